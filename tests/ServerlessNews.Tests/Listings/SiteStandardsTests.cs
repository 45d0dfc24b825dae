using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Schema;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Listings;

/// <summary>
/// Every kind of output checked with real tools: the W3C Nu Html Checker for pages, System.ServiceModel's
/// feed parsers, XML Schema validation for sitemaps, a JSON parser for the JSON-LD.
/// </summary>
public sealed class SiteStandardsTests(SiteFixture storage) : IClassFixture<SiteFixture>, IAsyncLifetime
{
    private static readonly string[] Ids = ["std-one", "std-two", "std-three", "std-killed"];
    private DateTimeOffset[] _times = [];

    private string PathAt(int i) => PathOf(Ids[i], "Standards Desk", _times[i]);

    public async ValueTask InitializeAsync()
    {
        var now = Seconds(storage.Clock.GetUtcNow());
        _times = Ids.Select((_, i) => now.AddSeconds(-60 + i)).ToArray();
        if (await storage.PageAsync(PathAt(0)) is not null)
        {
            return; // published by an earlier test of this class
        }
        for (var i = 0; i < Ids.Length; i++)
        {
            await storage.SubmitAsync(Article(Ids[i], "Standards Desk", ["Validation", "Web & Standards"], ["Ana Ruiz", "Tom Becker", "Li Wei"], _times[i]));
        }
        await storage.DrainAsync();
        var stamp = _times[0].AddSeconds(30).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await storage.SubmitAsync(Article(Ids[0], "Standards Desk", ["Validation", "Web & Standards"], ["Ana Ruiz", "Tom Becker", "Li Wei"], _times[0], revision: 2)
            .With("updatedAt", stamp)
            .With("corrections", new JsonArray(new JsonObject { ["at"] = stamp, ["text"] = "An earlier version gave the wrong date." })));
        await storage.SubmitAsync(TestArticles.Valid("std-killed", revision: 2).With("status", "killed"));
        await storage.DrainAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Every_page_kind_has_no_errors_in_the_Nu_Html_Checker()
    {
        var month = Month(_times[0]);
        var pages = new Dictionary<string, string>
        {
            ["article"] = PathAt(0),
            ["home"] = "/",
            ["section"] = "/standards-desk/",
            ["tag"] = "/tag/web-standards/",
            ["author"] = "/author/li-wei/",
            ["month-archive"] = $"/standards-desk/{month}/",
            ["site-archive"] = $"/archive/{month}/",
            ["not-found"] = "/404.html",
            ["kill-notice"] = PathAt(3),
        };
        var folder = Directory.CreateTempSubdirectory("site-html-");
        try
        {
            foreach (var (kind, path) in pages)
            {
                var html = await storage.WebFileAsync(path);
                Assert.True(html is not null, $"{kind} page {path} was not written");
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, kind + ".html"), html);
            }
            Assert.Contains("Related Articles", await File.ReadAllTextAsync(Path.Combine(folder.FullName, "article.html")), StringComparison.Ordinal);
            Assert.Contains("This article has been removed", await File.ReadAllTextAsync(Path.Combine(folder.FullName, "kill-notice.html")), StringComparison.Ordinal);

            // A page known to be invalid proves the checker really ran over the folder.
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "canary.html"), "<!DOCTYPE html><html lang=en><title>x</title><p><li>x</html>");

            var messages = await NuHtmlChecker.CheckAsync(folder.FullName, pages.Keys.Select(k => k + ".html").Append("canary.html"));
            Assert.Contains(messages, m => m.Type == "error" && m.Url.EndsWith("canary.html", StringComparison.Ordinal));
            var errors = messages.Where(m => m.Type is "error" or "non-document-error" && !m.Url.EndsWith("canary.html", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, "Nu Html Checker errors:\n" + string.Join('\n', errors.Select(e => $"{Path.GetFileName(e.Url)}:{e.Line}: {e.Message}")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Both_feed_formats_parse_and_carry_every_item()
    {
        var live = Enumerable.Range(0, 3).Select(i => StorageFixture.BaseUrl + PathAt(i)).ToArray();
        foreach (var path in new[] { "/feed.xml", "/atom.xml", "/standards-desk/feed.xml", "/standards-desk/atom.xml" })
        {
            var feed = LoadFeed((await storage.WebFileAsync(path))!);
            var ids = feed.Items.Select(i => i.Id).ToList();
            Assert.All(live, url => Assert.Contains(url, ids));
            Assert.DoesNotContain(StorageFixture.BaseUrl + PathAt(3), ids);
            Assert.All(feed.Items, item =>
            {
                Assert.False(string.IsNullOrEmpty(item.Title.Text));
                Assert.NotEmpty(item.Links);
                Assert.NotEqual(default, item.PublishDate);
            });
            Assert.Equal("en", feed.Language);
        }
    }

    [Fact]
    public async Task The_sitemaps_validate_against_their_schemas()
    {
        var schemas = new XmlSchemaSet();
        foreach (var xsd in new[] { "sitemap.xsd", "siteindex.xsd", "news.xsd" })
        {
            schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "Listings", "Schemas", xsd));
        }
        var index = (await storage.WebFileAsync("/sitemap.xml"))!;
        Validate("/sitemap.xml", index, schemas);
        var shards = System.Xml.Linq.XDocument.Parse(index).Root!.Elements(SitemapNs + "sitemap").Select(s => s.Element(SitemapNs + "loc")!.Value).ToList();
        Assert.NotEmpty(shards);
        foreach (var shard in shards)
        {
            var xml = (await storage.WebFileAsync(shard[StorageFixture.BaseUrl.Length..]))!;
            Validate(shard, xml, schemas);
            Assert.InRange(System.Xml.Linq.XDocument.Parse(xml).Root!.Elements().Count(), 1, SiteFixture.ShardSize);
        }
        var news = (await storage.WebFileAsync("/news-sitemap.xml"))!;
        Validate("/news-sitemap.xml", news, schemas);
        Assert.InRange(System.Xml.Linq.XDocument.Parse(news).Root!.Elements().Count(), 3, 1000);
    }

    [Fact]
    public async Task The_json_ld_is_a_NewsArticle_with_the_fields_Google_documents()
    {
        var page = Html.Parse((await storage.PageAsync(PathAt(0)))!);
        var ld = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("https://schema.org", ld.GetProperty("@context").GetString());
        Assert.Equal("NewsArticle", ld.GetProperty("@type").GetString());
        Assert.Equal("Headline of std-one", ld.GetProperty("headline").GetString());
        Assert.All(ld.GetProperty("image").EnumerateArray(), i =>
        {
            Assert.Equal("ImageObject", i.GetProperty("@type").GetString());
            Assert.True(Uri.IsWellFormedUriString(i.GetProperty("url").GetString(), UriKind.Absolute));
        });
        var published = DateTimeOffset.Parse(ld.GetProperty("datePublished").GetString()!, CultureInfo.InvariantCulture);
        var modified = DateTimeOffset.Parse(ld.GetProperty("dateModified").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(_times[0], published);
        Assert.True(modified > published);
        var authors = ld.GetProperty("author").EnumerateArray().ToList();
        Assert.Equal(["Ana Ruiz", "Tom Becker", "Li Wei"], authors.Select(a => a.GetProperty("name").GetString()));
        Assert.All(authors, a =>
        {
            Assert.Equal("Person", a.GetProperty("@type").GetString());
            Assert.StartsWith(StorageFixture.BaseUrl + "/author/", a.GetProperty("url").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal("Organization", ld.GetProperty("publisher").GetProperty("@type").GetString());
        Assert.Equal(StorageFixture.BaseUrl + "/logo.svg", ld.GetProperty("publisher").GetProperty("logo").GetProperty("url").GetString());
        Assert.Equal("An earlier version gave the wrong date.", ld.GetProperty("correction")[0].GetProperty("text").GetString());
    }

    private static void Validate(string name, string xml, XmlSchemaSet schemas)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using (var reader = XmlReader.Create(new StringReader(xml), settings))
        {
            while (reader.Read())
            {
            }
        }
        Assert.True(problems.Count == 0, $"{name} does not validate:\n" + string.Join('\n', problems));
    }
}
