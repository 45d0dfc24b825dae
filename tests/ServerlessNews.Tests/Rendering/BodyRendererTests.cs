using ServerlessNews.Articles;
using ServerlessNews.Rendering;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Rendering;

public sealed class BodyRendererTests
{
    private static AngleSharp.Dom.IElement Render(BodyFormat format, string content, string? dateline = null)
    {
        var html = new BodyRenderer().Render(new ArticleBody(format, content), dateline);
        return Html.Parse($"<main>{html}</main>").QuerySelector("main")!;
    }

    [Fact]
    public void Wire_copy_lines_in_capitals_become_sub_headings()
    {
        var body = Render(BodyFormat.Text, "Talks stalled on Monday,\nofficials said.\n\nLACK OF BACK CHANNELS\n\nNeither side called.\n\nUS and EU envoys met.");
        Assert.Equal(["LACK OF BACK CHANNELS"], body.QuerySelectorAll("h2").Select(h => h.TextContent));
        Assert.Equal(["Talks stalled on Monday, officials said.", "Neither side called.", "US and EU envoys met."],
            body.QuerySelectorAll("p").Select(p => p.TextContent));
    }

    [Fact]
    public void Wire_copy_is_text_not_markup()
    {
        var body = Render(BodyFormat.Text, "Prices <b>rose</b> & fell <script>alert(1)</script>");
        Assert.Empty(body.QuerySelectorAll("b, script"));
        Assert.Equal("Prices <b>rose</b> & fell <script>alert(1)</script>", body.QuerySelector("p")!.TextContent);
    }

    [Fact]
    public void The_dateline_opens_the_first_paragraph()
    {
        foreach (var format in Enum.GetValues<BodyFormat>())
        {
            var content = format == BodyFormat.Html ? "<h2>Intro</h2><p>Talks began.</p><p>Second.</p>" : "Talks began.\n\nSecond.";
            var body = Render(format, content, "MOSCOW/LONDON");
            var first = body.QuerySelector("p")!;
            Assert.Equal("MOSCOW/LONDON – Talks began.", first.TextContent);
            Assert.Equal("dateline", first.FirstElementChild!.ClassName);
        }
    }

    [Fact]
    public void Markdown_renders_and_its_raw_html_is_sanitized()
    {
        var body = Render(BodyFormat.Markdown,
            "# Heading\n\nA [link](https://example.test) and <img src=x onerror=alert(1)> and <script>alert(2)</script>\n\n> A quote\n\n[bad](javascript:alert(3))");
        Assert.Equal("Heading", body.QuerySelector("h2")!.TextContent);
        Assert.Null(body.QuerySelector("h1"));
        Assert.Equal("https://example.test", body.QuerySelector("a")!.GetAttribute("href"));
        Assert.NotNull(body.QuerySelector("blockquote"));
        Assert.Null(body.QuerySelector("script"));
        Assert.Null(body.QuerySelector("[onerror]"));
        Assert.DoesNotContain(body.QuerySelectorAll("a"), a => (a.GetAttribute("href") ?? "").StartsWith("javascript", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Html_bodies_keep_structure_and_lose_scripts()
    {
        var body = Render(BodyFormat.Html,
            "<p onclick=\"x()\">Text <em>here</em></p><iframe src=\"https://evil.test\"></iframe><h2 style=\"position:fixed\">Sub</h2><a href=\"vbscript:x\">v</a>");
        Assert.Equal("Text here", body.QuerySelector("p")!.TextContent);
        Assert.NotNull(body.QuerySelector("em"));
        Assert.Null(body.QuerySelector("iframe"));
        Assert.Null(body.QuerySelector("[onclick]"));
        Assert.Null(body.QuerySelector("a[href^='vbscript']"));
        Assert.Equal("Sub", body.QuerySelector("h2")!.TextContent);
    }

    [Theory]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("![x](data:text/html,<script>alert(1)</script>)")]
    [InlineData("[x](//evil.test/path)")]
    [InlineData("a &lt;script&gt; <b onclick=x>b</b>")]
    [InlineData("<div><script>alert(1)</script></div>")]
    [InlineData("[x](https://example.test/){onclick=\"alert(1)\"}")]
    [InlineData("## Heading {onclick=alert(1) .theme-class #main}")]
    [InlineData("Text {onmouseover=alert(1)}\n\n![x](https://www.youtube.com/watch?v=dQw4w9WgXcQ)")]
    public void Markdown_link_targets_and_raw_html_never_carry_script(string markdown)
    {
        var body = Render(BodyFormat.Markdown, markdown);
        // Also no attribute syntax and no embeds: without raw HTML the sanitizer does not run, so the
        // Markdown extensions themselves must not produce what it would remove.
        Assert.Null(body.QuerySelector("script, iframe, [onclick], [onmouseover], [class='theme-class'], #main"));
        Assert.DoesNotContain(body.QuerySelectorAll("a[href], img[src]"), e =>
            (e.GetAttribute("href") ?? e.GetAttribute("src") ?? "").Split(':')[0] is "javascript" or "data");
    }

    [Fact]
    public void Plain_markdown_renders_without_changes_by_the_sanitizer()
    {
        var body = Render(BodyFormat.Markdown, "Text with [a link](https://example.test/a?b=1&c=2) and `code <b>`.\n\n- one\n- two");
        Assert.Equal("https://example.test/a?b=1&c=2", body.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("code <b>", body.QuerySelector("code")!.TextContent);
        Assert.Equal(2, body.QuerySelectorAll("li").Length);
    }

    [Fact]
    public void Markdown_tables_footnotes_and_strikethrough_render()
    {
        var body = Render(BodyFormat.Markdown, "| Party | Seats |\n|---|--:|\n| Blue | 41 |\n\nA claim[^1] ~~withdrawn~~.\n\n[^1]: The source.");
        Assert.Equal("41", body.QuerySelector("table td:last-child")!.TextContent);
        Assert.NotNull(body.QuerySelector("del"));
        Assert.Contains("The source.", body.QuerySelector(".footnotes")!.TextContent, StringComparison.Ordinal);
    }
}
