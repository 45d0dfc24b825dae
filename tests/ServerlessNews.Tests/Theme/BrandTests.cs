using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessNews.DevServer;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Theme;

/// <summary>Brand settings (issue 24, point 1) and the sharing tags every page carries (point 5).</summary>
public sealed class BrandTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task Bad_brand_settings_stop_the_host_at_start_with_every_problem_named()
    {
        var settings = storage.Settings();
        settings["urls"] = "http://127.0.0.1:0";
        settings["DevServer:DisableTriggers"] = "true";
        settings["Brand:Logo"] = "logo.svg";
        settings["Brand:LogoWidth"] = "120";
        settings["Brand:Favicon"] = "/favicon.bmp";
        settings["Brand:SocialImage"] = "javascript:alert(1)";
        settings["Brand:FooterLinks:0:Text"] = "";
        settings["Brand:FooterLinks:0:Url"] = "about";
        await using var app = await DevServerApp.BuildAsync([], settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            [
                "Brand__Logo must be a site path such as /logo.svg or an absolute http(s) URL (got 'logo.svg').",
                "Brand__LogoWidth and Brand__LogoHeight go together: set both or neither.",
                "Brand__Favicon must name a file ending in .svg, .png, .ico (got '/favicon.bmp').",
                "Brand__SocialImage must be a site path such as /logo.svg or an absolute http(s) URL (got 'javascript:alert(1)').",
                "Brand__FooterLinks__0__Text must be 1 to 60 characters (got '').",
                "Brand__FooterLinks__0__Url must be a site path such as /about/, an absolute http(s) URL or a mailto: address (got 'about').",
            ],
            error.Failures);
    }

    [Fact]
    public async Task The_default_files_are_written_once_updated_with_the_name_and_a_newsroom_s_own_file_is_never_replaced()
    {
        var web = storage.Container(StorageNames.WebContainer);
        await web.GetBlobClient("apple-touch-icon.png").UploadAsync(BinaryData.FromString("the newsroom's own icon"), overwrite: true);

        var written = await storage.Get<BrandAssets>().EnsureWrittenAsync(CancellationToken.None);

        Assert.Equal(["/favicon.ico", "/favicon.svg", "/logo.svg", "/social-default.png"], written.Order(StringComparer.Ordinal));
        Assert.Equal("the newsroom's own icon", (await web.GetBlobClient("apple-touch-icon.png").DownloadContentAsync()).Value.Content.ToString());
        var types = new Dictionary<string, string> { ["favicon.ico"] = "image/x-icon", ["favicon.svg"] = "image/svg+xml", ["logo.svg"] = "image/svg+xml", ["social-default.png"] = "image/png" };
        foreach (var (name, type) in types)
        {
            Assert.Equal(type, (await web.GetBlobClient(name).GetPropertiesAsync()).Value.ContentType);
        }
        Assert.Contains(">The Test Times</text>", await storage.WebFileAsync("/logo.svg"), StringComparison.Ordinal);
        var (width, height) = Images.TestImages.Decode((await web.GetBlobClient("social-default.png").DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(BrandAssets.SocialImageSize, (width, height));

        Assert.Empty(await storage.Get<BrandAssets>().EnsureWrittenAsync(CancellationToken.None));

        var settings = storage.Settings();
        settings["Site:Name"] = "The Harbour Herald";
        await using var renamed = storage.BuildServices(settings);
        Assert.Equal(["/logo.svg"], await renamed.GetRequiredService<BrandAssets>().EnsureWrittenAsync(CancellationToken.None));
        Assert.Contains(">The Harbour Herald</text>", await storage.WebFileAsync("/logo.svg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_is_shared_with_an_image_and_a_card_and_the_404_page_names_no_canonical_url()
    {
        // The newest story everywhere it is listed, so that each front leads with it: no image of its own.
        await storage.SubmitAsync(TestArticles.Valid("brand-share").With("section", "Culture").Without("image")
            .With("publishedAt", "2026-12-01T08:30:00Z").With("tags", new JsonArray("Brand Share")).With("authors", new JsonArray("Bea Share")));
        await storage.DrainAsync();

        foreach (var path in new[] { "/", "/culture/", "/tag/brand-share/", "/author/bea-share/", "/404.html" })
        {
            var page = Html.Parse((await storage.WebFileAsync(path))!);
            Assert.Equal(StorageFixture.BaseUrl + "/social-default.png", page.Meta("og:image"));
            Assert.Equal("1200", page.Meta("og:image:width"));
            Assert.Equal("summary_large_image", page.Meta("twitter:card"));
            Assert.Single(page.MetaAll("twitter:card"));
            Assert.Equal("/favicon.svg", page.QuerySelector("link[rel='icon']")!.GetAttribute("href"));
            var logo = page.QuerySelector("header a.logo img")!;
            Assert.Equal(("/logo.svg", "The Test Times"), (logo.GetAttribute("src"), logo.GetAttribute("alt")));
            Assert.Equal(BrandAssets.WordmarkSize("The Test Times").Width.ToString(System.Globalization.CultureInfo.InvariantCulture), logo.GetAttribute("width"));
        }
        var notFound = Html.Parse((await storage.WebFileAsync("/404.html"))!);
        Assert.Null(notFound.QuerySelector("link[rel='canonical']"));
        Assert.Equal("noindex", notFound.Meta("robots"));
        Assert.Equal(StorageFixture.BaseUrl + "/culture/", Html.Parse((await storage.WebFileAsync("/culture/"))!).QuerySelector("link[rel='canonical']")!.GetAttribute("href"));
    }

    [Fact]
    public async Task An_article_carries_a_breadcrumb_trail_and_its_publisher_s_logo()
    {
        await storage.SubmitAsync(TestArticles.Valid("brand-crumbs"));
        await storage.DrainAsync();

        var page = Html.Parse((await storage.PageAsync("/world/2026/11/27/brand-crumbs/"))!);
        var scripts = page.QuerySelectorAll("script[type='application/ld+json']").Select(s => JsonDocument.Parse(s.TextContent).RootElement).ToList();
        var article = scripts.Single(s => s.GetProperty("@type").GetString() == "NewsArticle");
        var logo = article.GetProperty("publisher").GetProperty("logo");
        Assert.Equal(StorageFixture.BaseUrl + "/logo.svg", logo.GetProperty("url").GetString());
        Assert.Equal(40, logo.GetProperty("height").GetInt32());
        var crumbs = scripts.Single(s => s.GetProperty("@type").GetString() == "BreadcrumbList").GetProperty("itemListElement").EnumerateArray()
            .Select(i => (i.GetProperty("position").GetInt32(), i.GetProperty("name").GetString(), i.GetProperty("item").GetString())).ToList();
        Assert.Equal(
            [
                (1, "The Test Times", StorageFixture.BaseUrl + "/"),
                (2, "World", StorageFixture.BaseUrl + "/world/"),
                (3, "Harbour bridge reopens after repairs", StorageFixture.BaseUrl + "/world/2026/11/27/brand-crumbs/"),
            ],
            crumbs);
        Assert.All(article.GetProperty("author").EnumerateArray(), a => Assert.StartsWith(StorageFixture.BaseUrl + "/author/", a.GetProperty("url").GetString(), StringComparison.Ordinal));
    }
}
