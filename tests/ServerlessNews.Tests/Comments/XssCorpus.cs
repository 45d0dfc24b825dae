using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using ServerlessNews.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>
/// The OWASP XSS filter-evasion vectors (shared/corpora/xss-owasp.json), posted through every field of the
/// comment form, then approved. Used by the storage-level and the browser test.
/// </summary>
public static class XssCorpus
{
    public static IReadOnlyList<string> Vectors { get; } = Load();

    private static string[] Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "corpora", "xss-owasp.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.GetString()!).ToArray();
    }

    /// <summary>Posts every vector as name, website and comment (and as email, which must be refused); returns the accepted ids.</summary>
    public static async Task<List<string>> PostAllAsync(HttpClient client, string articleId, Func<(string Ip, string Email)> newReader)
    {
        var accepted = new List<string>();
        foreach (var vector in Vectors)
        {
            var asEmail = await client.SendAsync(Json(new { articleId, name = "X", email = vector, comment = "x" }, newReader().Ip));
            Assert.Equal(HttpStatusCode.BadRequest, asEmail.StatusCode);

            var reader = newReader();
            var name = vector.Length > CommentForm.MaxNameLength ? vector[..CommentForm.MaxNameLength] : vector;
            var response = await client.SendAsync(Json(new { articleId, name, email = reader.Email, website = "https://x.example.test/?q=" + vector, comment = vector }, reader.Ip));
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                // A website the rules refuse (not http(s) after all): the same vector through the other fields.
                reader = newReader();
                response = await client.SendAsync(Json(new { articleId, name, email = reader.Email, comment = vector }, reader.Ip));
            }
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                // A name with line breaks or control characters is refused: the vector through the comment alone.
                reader = newReader();
                response = await client.SendAsync(Json(new { articleId, name = "Reader", email = reader.Email, comment = vector }, reader.Ip));
            }
            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.BadRequest, $"{response.StatusCode} for {vector}");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
            }
        }
        return accepted;
    }

    private static HttpRequestMessage Json(object body, string ip)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments") { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", ip);
        return request;
    }

    /// <summary>
    /// Approves every comment in one go and re-renders the page once (the approval path itself is tested
    /// elsewhere; one render keeps this test fast).
    /// </summary>
    public static async Task ApproveAllAsync(StorageFixture storage, string articleId, IEnumerable<string> ids)
    {
        var store = storage.Get<CommentStore>();
        foreach (var id in ids)
        {
            while (true)
            {
                var comment = (await store.GetAsync(articleId, id, CancellationToken.None))!;
                var previous = comment.Status;
                comment.Status = CommentStatus.Approved;
                if (await store.TryUpdateAsync(comment, previous, CancellationToken.None))
                {
                    break;
                }
            }
        }
        var pages = storage.Get<CommentPages>();
        await pages.ChangedAsync(articleId, CancellationToken.None);
        await pages.RefreshAsync(articleId, CancellationToken.None);
    }

    /// <summary>Nothing in the page can run: only the theme's own scripts, no event-handler attributes, no script URLs.</summary>
    public static void AssertInert(IHtmlDocument page)
    {
        // Structured data (not run), the reply form's script and the layout's local times.
        var scripts = page.QuerySelectorAll("script:not([type='application/ld+json'])").ToArray();
        Assert.Equal([page.QuerySelector("#respond > script")!, page.QuerySelector("body > script#local-times")!], scripts);
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name is "href" or "src" or "action" or "formaction" or "data" or "style" or "srcdoc" &&
            a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)));
        var list = page.QuerySelector(".comment-list")!;
        Assert.Empty(list.QuerySelectorAll("script, style, iframe, frame, object, embed, svg, math, img, form, input, meta, link, base, [style], [srcdoc]"));
        foreach (var anchor in list.QuerySelectorAll("a[href]").Where(a => !a.ClassList.Contains("comment-permalink") && !a.ClassList.Contains("comment-reply-link")))
        {
            Assert.Equal(CommentFormatter.LinkRel, anchor.GetAttribute("rel"));
            Assert.Matches("^https?://", anchor.GetAttribute("href")!);
        }
    }

    public static IElement[] Comments(IHtmlDocument page) => page.QuerySelectorAll(".comment-list li.comment").ToArray();
}
