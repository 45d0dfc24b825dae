using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Images;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Images;

/// <summary>Pages that use uploaded images: before their renditions exist, once they appear, and what search engines and social cards get.</summary>
public sealed class ImagePagesTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static JsonObject WithImages(string id, string lead, string inline) =>
        TestArticles.Valid(id)
            .With("image", new JsonObject { ["url"] = lead, ["alt"] = "The bridge at dawn", ["caption"] = "Traffic crossed again on Friday.", ["credit"] = "Photo: Ana Ruiz" })
            .WithBody("markdown", $"The bridge reopened on Friday.\n\n![A chart of daily crossings]({inline} \"Crossings per day, 2026\")\n\nCommuters returned at dawn.");

    private static string PathOf(string id) => $"/world/2026/11/27/{id}/";

    [Fact]
    public async Task A_page_published_before_its_images_shows_their_original_urls_then_renditions_once_they_appear()
    {
        await storage.SubmitAsync(WithImages("late-images", "images/late/lead.jpg", "images/late/chart.png"));
        await storage.DrainAsync();

        var before = Html.Parse((await storage.PageAsync(PathOf("late-images")))!);
        var lead = before.QuerySelector("figure.lead-image img")!;
        Assert.Equal("/images/late/lead.jpg", lead.GetAttribute("src"));
        Assert.Equal("high", lead.GetAttribute("fetchpriority"));
        Assert.Null(before.QuerySelector("picture"));
        Assert.Equal("/images/late/chart.png", before.QuerySelector(".article-body figure img")!.GetAttribute("src"));
        Assert.Equal(StorageFixture.BaseUrl + "/images/late/lead.jpg", before.Meta("og:image"));

        await TestImages.UploadAndProcessAsync(storage, "late/lead.jpg", TestImages.Jpeg(2400, 1600));
        await TestImages.UploadAndProcessAsync(storage, "late/chart.png", TestImages.Png(800, 500));
        Assert.True(await storage.DrainRefreshQueueAsync() >= 1, "no page was queued for re-rendering");

        var after = Html.Parse((await storage.PageAsync(PathOf("late-images")))!);
        var picture = after.QuerySelector("figure.lead-image picture")!;
        Assert.Equal(["image/avif", "image/webp"], picture.QuerySelectorAll("source").Select(s => s.GetAttribute("type")));
        var img = picture.QuerySelector("img")!;
        Assert.Equal(("1920", "1280"), (img.GetAttribute("width"), img.GetAttribute("height")));
        Assert.Equal("high", img.GetAttribute("fetchpriority"));
        Assert.Null(img.GetAttribute("loading"));
        Assert.Equal(RenditionMaker.Widths.Count, img.GetAttribute("srcset")!.Split(", ").Length);
        Assert.Equal(FigureMarkup.Sizes, img.GetAttribute("sizes"));
        Assert.Equal("Traffic crossed again on Friday. Photo: Ana Ruiz", after.QuerySelector("figure.lead-image figcaption")!.TextContent);
        Assert.Equal("Photo: Ana Ruiz", after.QuerySelector("figure.lead-image .credit")!.TextContent);

        var inline = after.QuerySelector(".article-body figure")!;
        Assert.Equal("lazy", inline.QuerySelector("img")!.GetAttribute("loading"));
        Assert.Equal("A chart of daily crossings", inline.QuerySelector("img")!.GetAttribute("alt"));
        Assert.Equal("Crossings per day, 2026", inline.QuerySelector("figcaption")!.TextContent);
        Assert.Equal(["800", "500"], new[] { inline.QuerySelector("img")!.GetAttribute("width")!, inline.QuerySelector("img")!.GetAttribute("height")! });

        // Sharing and search: the 16:9 crop for cards, every crop as an ImageObject.
        Assert.EndsWith("-16x9.jpg", after.Meta("og:image"), StringComparison.Ordinal);
        Assert.Equal(("1200", "675"), (after.Meta("og:image:width"), after.Meta("og:image:height")));
        Assert.Equal("summary_large_image", after.Meta("twitter:card"));
        var ld = JsonDocument.Parse(after.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        var images = ld.GetProperty("image").EnumerateArray().ToList();
        Assert.Equal([(1200, 675), (1200, 900), (1200, 1200)], images.Select(i => (i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())));
        Assert.All(images, i =>
        {
            Assert.StartsWith(StorageFixture.BaseUrl + "/images/_/late/lead-", i.GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.Equal("Photo: Ana Ruiz", i.GetProperty("creditText").GetString());
            Assert.Equal("Traffic crossed again on Friday.", i.GetProperty("caption").GetString());
        });
    }

    [Fact]
    public async Task Renditions_re_render_only_the_pages_that_use_the_image_and_at_most_as_many_as_configured()
    {
        await storage.SubmitAsync(WithImages("uses-shared-1", "images/shared.jpg", "https://images.example.test/x.jpg"));
        await storage.SubmitAsync(WithImages("uses-shared-2", "https://images.example.test/y.jpg", "images/shared.jpg"));
        await storage.SubmitAsync(WithImages("uses-other", "images/other.jpg", "https://images.example.test/z.jpg"));
        await storage.DrainAsync();

        var (used, more) = await storage.Get<ImageUses>().UsedByAsync("shared.jpg", 10, CancellationToken.None);
        Assert.Equal(["uses-shared-1", "uses-shared-2"], used.Order(StringComparer.Ordinal));
        Assert.False(more);
        var (capped, hasMore) = await storage.Get<ImageUses>().UsedByAsync("shared.jpg", 1, CancellationToken.None);
        Assert.Single(capped);
        Assert.True(hasMore);

        await TestImages.UploadAndProcessAsync(storage, "shared.jpg", TestImages.Jpeg(900, 600));
        var queued = await storage.Queue(StorageNames.RefreshQueue).PeekMessagesAsync(maxMessages: 32);
        Assert.Equal([new SiteOutput.ArticlePage("uses-shared-1").Key, new SiteOutput.ArticlePage("uses-shared-2").Key],
            queued.Value.Select(m => m.MessageText).Order(StringComparer.Ordinal));
        await storage.DrainRefreshQueueAsync();
        Assert.NotNull(Html.Parse((await storage.PageAsync(PathOf("uses-shared-2")))!).QuerySelector(".article-body picture"));
        Assert.Null(Html.Parse((await storage.PageAsync(PathOf("uses-other")))!).QuerySelector("picture"));
    }

    [Fact]
    public async Task An_article_without_an_image_is_shared_with_the_brand_default()
    {
        await storage.SubmitAsync(TestArticles.Valid("no-image").Without("image"));
        await storage.DrainAsync();

        var page = Html.Parse((await storage.PageAsync(PathOf("no-image")))!);
        Assert.Null(page.QuerySelector("figure"));
        Assert.Equal(StorageFixture.BaseUrl + "/social-default.png", page.Meta("og:image"));
        Assert.Equal(("1200", "630"), (page.Meta("og:image:width"), page.Meta("og:image:height")));
        Assert.Equal("summary_large_image", page.Meta("twitter:card"));
        var ld = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal(StorageFixture.BaseUrl + "/social-default.png", ld.GetProperty("image")[0].GetProperty("url").GetString());
    }
}
