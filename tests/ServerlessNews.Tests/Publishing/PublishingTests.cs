using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Articles;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Publishing;

public sealed class PublishingTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string WorldPath = "/world/2026/11/27/";

    [Fact]
    public async Task The_article_page_has_everything_a_reader_and_a_search_engine_need()
    {
        var article = TestArticles.Valid("page-elements")
            .With("updatedAt", "2026-11-27T10:05:00Z")
            .With("corrections", new JsonArray(new JsonObject { ["at"] = "2026-11-27T10:05:00Z", ["text"] = "An earlier version misstated the toll." }));
        await storage.SubmitAsync(article);
        await storage.DrainPublishQueueAsync();

        var html = await storage.PageAsync(WorldPath + "page-elements/");
        Assert.NotNull(html);
        var page = Html.Parse(html);

        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Harbour bridge reopens after repairs | The Test Times", page.Title);
        Assert.Equal("Harbour bridge reopens after repairs", page.QuerySelector("main h1")!.TextContent);
        Assert.Equal("World", page.QuerySelector(".section")!.TextContent);
        Assert.Equal("/world/", page.QuerySelector(".section")!.GetAttribute("href"));
        Assert.Equal("Exclusive", page.QuerySelector(".kicker")!.TextContent);
        Assert.Equal("By Ana Ruiz and Tom Becker", page.QuerySelector(".byline")!.TextContent);
        Assert.Equal("LISBON – The bridge reopened on Friday.", page.QuerySelector(".article-body p")!.TextContent);
        Assert.Equal("2026-11-27T08:30:00Z", page.QuerySelector("time.published")!.GetAttribute("datetime"));
        Assert.Contains("27 November 2026, 08:30 UTC", page.QuerySelector(".times")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Updated", page.QuerySelector(".updated")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("misstated the toll", page.QuerySelector(".corrections")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Transport", "Portugal"], page.QuerySelectorAll(".tags a").Select(a => a.TextContent));
        Assert.Equal("The bridge at dawn", page.QuerySelector("figure img")!.GetAttribute("alt"));
        Assert.NotNull(page.QuerySelector("main#main"));

        var canonical = StorageFixture.BaseUrl + WorldPath + "page-elements/";
        Assert.Equal(canonical, page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Equal("The bridge carries 150,000 vehicles a day.", page.Meta("description"));
        Assert.Equal("article", page.Meta("og:type"));
        Assert.Equal(canonical, page.Meta("og:url"));
        Assert.Equal("2026-11-27T08:30:00Z", page.Meta("article:published_time"));
        Assert.Equal("2026-11-27T10:05:00Z", page.Meta("article:modified_time"));
        Assert.Equal("World", page.Meta("article:section"));
        Assert.Equal(["Ana Ruiz", "Tom Becker"], page.MetaAll("article:author"));
        Assert.Equal(["Transport", "Portugal"], page.MetaAll("article:tag"));
        Assert.Equal("summary_large_image", page.Meta("twitter:card"));
        Assert.Equal("Harbour bridge reopens after repairs", page.Meta("twitter:title"));

        var ld = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("NewsArticle", ld.GetProperty("@type").GetString());
        Assert.Equal(["Ana Ruiz", "Tom Becker"], ld.GetProperty("author").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal("LISBON", ld.GetProperty("dateline").GetString());
        Assert.Equal("World", ld.GetProperty("articleSection").GetString());
        Assert.Equal("2026-11-27T08:30:00Z", ld.GetProperty("datePublished").GetString());
        Assert.Equal("2026-11-27T10:05:00Z", ld.GetProperty("dateModified").GetString());
        Assert.Equal("An earlier version misstated the toll.", ld.GetProperty("correction")[0].GetProperty("text").GetString());
        Assert.Equal(canonical, ld.GetProperty("mainEntityOfPage").GetString());

        var status = await storage.StatusAsync("page-elements");
        Assert.Equal("published", status.GetProperty("state").GetString());
        Assert.Equal(canonical, status.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Hostile_text_is_encoded_in_every_context()
    {
        const string attack = "</script><script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
        var article = TestArticles.Valid("hostile-text")
            .With("headline", "Headline " + attack)
            .With("summary", "Summary " + attack)
            .With("kicker", "K\"><b>x")
            .With("authors", new JsonArray("Ana " + attack))
            .With("tags", new JsonArray("</script><b>T"))
            .With("dateline", "CITY</script><b>\"'")
            .With("image", new JsonObject { ["url"] = "https://images.example.test/a.jpg?x=\"><script>alert(3)</script>", ["alt"] = "Alt " + attack });
        await storage.SubmitAsync(article);
        await storage.DrainPublishQueueAsync();

        var page = Html.Parse((await storage.PageAsync(WorldPath + "hostile-text/"))!);

        // The article's and the breadcrumbs' structured data, the comment form's script and the layout's local-times
        // script: the attack added none.
        var scripts = page.QuerySelectorAll("script");
        Assert.Equal(["application/ld+json", "application/ld+json", null, null], scripts.Select(s => s.GetAttribute("type")));
        Assert.Equal("respond", scripts[2].ParentElement!.Id);
        Assert.Equal("local-times", scripts[3].Id);
        Assert.Equal("Headline " + attack, JsonDocument.Parse(scripts[1].TextContent).RootElement.GetProperty("itemListElement")[2].GetProperty("name").GetString());
        Assert.Empty(page.QuerySelectorAll("[onerror], b, img:not(figure img):not(header .logo img)"));
        Assert.Equal("Headline " + attack, page.QuerySelector("h1")!.TextContent);
        Assert.Equal("Summary " + attack, page.Meta("description"));
        Assert.Equal("Alt " + attack, page.QuerySelector("figure img")!.GetAttribute("alt"));
        Assert.Equal(["Ana " + attack], page.MetaAll("article:author"));
        var ld = JsonDocument.Parse(scripts[0].TextContent).RootElement;
        Assert.Equal("Headline " + attack, ld.GetProperty("headline").GetString());
        Assert.Equal("CITY</script><b>\"'", ld.GetProperty("dateline").GetString());
        Assert.Equal(["</script><b>T"], page.QuerySelectorAll(".tags a").Select(a => a.TextContent));
    }

    [Theory]
    [InlineData("markdown", "Opening line.\n\n## Reaction\n\nMarkets *rallied*.", "h2", "Reaction")]
    [InlineData("html", "<p>Opening line.</p><h2>Reaction</h2><p>Markets <em>rallied</em>.</p><script>alert(1)</script>", "h2", "Reaction")]
    [InlineData("text", "Opening line.\n\nREACTION FROM MARKETS\n\nMarkets rallied.", "h2", "REACTION FROM MARKETS")]
    public async Task All_three_body_formats_publish(string format, string content, string selector, string expected)
    {
        var id = "format-" + format;
        await storage.SubmitAsync(TestArticles.Valid(id).WithBody(format, content));
        await storage.DrainPublishQueueAsync();

        var page = Html.Parse((await storage.PageAsync(WorldPath + id + "/"))!);
        Assert.Equal(expected, page.QuerySelector(".article-body " + selector)!.TextContent);
        Assert.StartsWith("LISBON – Opening line.", page.QuerySelector(".article-body p")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll(".article-body script"));
    }

    [Fact]
    public async Task Republishing_the_same_revision_changes_nothing()
    {
        await storage.SubmitAsync(TestArticles.Valid("same-revision", revision: 2));
        await storage.DrainPublishQueueAsync();
        var first = await storage.PagePropertiesAsync(WorldPath + "same-revision/");

        await storage.SubmitAsync(TestArticles.Valid("same-revision", revision: 2).With("headline", "A different headline"));
        await storage.DrainPublishQueueAsync();

        var second = await storage.PagePropertiesAsync(WorldPath + "same-revision/");
        Assert.Equal(first.ETag, second.ETag);
        Assert.Contains("Harbour bridge reopens", (await storage.PageAsync(WorldPath + "same-revision/"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_revision_arriving_late_is_recorded_and_never_rendered()
    {
        await storage.SubmitAsync(TestArticles.Valid("late-revision", revision: 3).With("headline", "Revision three"));
        await storage.DrainPublishQueueAsync();
        await storage.SubmitAsync(TestArticles.Valid("late-revision", revision: 2).With("headline", "Revision two"));
        await storage.DrainPublishQueueAsync();

        var page = Html.Parse((await storage.PageAsync(WorldPath + "late-revision/"))!);
        Assert.Equal("Revision three", page.QuerySelector("h1")!.TextContent);
        var status = await storage.StatusAsync("late-revision");
        Assert.Equal(3, status.GetProperty("revision").GetInt64());
        var revisions = status.GetProperty("revisions").EnumerateArray().ToDictionary(r => r.GetProperty("revision").GetInt64(), r => r.GetProperty("state").GetString());
        Assert.Equal("published", revisions[3]);
        Assert.Equal("superseded", revisions[2]);
    }

    [Fact]
    public async Task A_newer_revision_replaces_the_page_at_the_same_url()
    {
        await storage.SubmitAsync(TestArticles.Valid("edited", revision: 1));
        await storage.DrainPublishQueueAsync();
        await storage.SubmitAsync(TestArticles.Valid("edited", revision: 2).With("headline", "Bridge reopens; tolls waived").With("section", "Business"));
        await storage.DrainPublishQueueAsync();

        var page = Html.Parse((await storage.PageAsync(WorldPath + "edited/"))!);
        Assert.Equal("Bridge reopens; tolls waived", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("2", (await storage.PagePropertiesAsync(WorldPath + "edited/")).Metadata[RevisionGuard.RevisionMetadataKey]);
    }

    [Fact]
    public async Task The_normalized_document_is_kept_in_content_and_the_url_is_indexed()
    {
        await storage.SubmitAsync(TestArticles.Valid("kept-document"));
        await storage.DrainPublishQueueAsync();

        var blob = storage.Container(StorageNames.ContentContainer).GetBlobClient("kept-document.json");
        var document = JsonSerializer.Deserialize(
            (await blob.DownloadContentAsync()).Value.Content.ToString(), ArticlesJsonContext.Default.ArticleDocument)!;
        Assert.Equal(WorldPath + "kept-document/", document.Path);
        Assert.Equal("Harbour bridge reopens after repairs", document.Article.Headline);
        Assert.Equal("kept-document", await storage.Get<ServerlessNews.Index.ArticleIndex>().FindByPathAsync(WorldPath + "kept-document/", CancellationToken.None));
    }

    [Fact]
    public async Task A_theme_override_in_the_templates_container_restyles_the_page()
    {
        var templates = storage.Container(StorageNames.TemplatesContainer);
        await templates.UploadBlobAsync("article.liquid", BinaryData.FromString("<article><h1 class=\"custom\">{{ article.headline }}</h1>{{ article.body_html | raw }}</article>"));
        try
        {
            await storage.SubmitAsync(TestArticles.Valid("themed"));
            await storage.DrainPublishQueueAsync();
            var page = Html.Parse((await storage.PageAsync(WorldPath + "themed/"))!);
            Assert.Equal("Harbour bridge reopens after repairs", page.QuerySelector("h1.custom")!.TextContent);
            Assert.NotNull(page.QuerySelector("link[rel=canonical]")); // the default layout still wraps it
        }
        finally
        {
            await templates.DeleteBlobAsync("article.liquid");
        }
    }

    [Fact]
    public async Task Every_accepted_revision_is_kept_immutably_in_submissions()
    {
        await storage.SubmitAsync(TestArticles.Valid("kept-revisions", revision: 1));
        await storage.SubmitAsync(TestArticles.Valid("kept-revisions", revision: 2));
        var blobs = await storage.Container(StorageNames.SubmissionsContainer).GetBlobsAsync(BlobTraits.None, BlobStates.None, "kept-revisions/", default).ToListAsync();
        Assert.Equal(2, blobs.Count);
        var submission = storage.Container(StorageNames.SubmissionsContainer).GetBlobClient(blobs[0].Name);
        var overwrite = await Assert.ThrowsAsync<Azure.RequestFailedException>(() =>
            submission.UploadAsync(BinaryData.FromString("{}"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = Azure.ETag.All } }));
        Assert.Equal(409, overwrite.Status);
        await storage.DrainPublishQueueAsync();
    }
}
