using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Html.Dom;
using ServerlessNews.Articles;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>Storage for site tests, with sitemap shards and archive pages small enough that a test sees them split.</summary>
public sealed class SiteFixture : StorageFixture
{
    public const int ShardSize = 2;
    public const int ArchivePageSize = 12;

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Refresh:SitemapShardSize"] = ShardSize.ToString(CultureInfo.InvariantCulture);
        settings["Refresh:ArchivePageSize"] = ArchivePageSize.ToString(CultureInfo.InvariantCulture);
        return settings;
    }
}

public static class SiteData
{
    public static JsonObject Article(string id, string section, string[] tags, string[] authors, DateTimeOffset publishedAt, long revision = 1) =>
        TestArticles.Valid(id, revision)
            .With("section", section)
            .With("headline", "Headline of " + id)
            .With("summary", "Summary of " + id + ".")
            .With("tags", new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()))
            .With("authors", new JsonArray(authors.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()))
            .With("publishedAt", publishedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary>Whole seconds, as the submission carries them.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public static string PathOf(string id, string section, DateTimeOffset publishedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"/{Slug.ForSection(section)}/{publishedAt.UtcDateTime:yyyy}/{publishedAt.UtcDateTime:MM}/{publishedAt.UtcDateTime:dd}/{id}/");

    public static string Month(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy'/'MM", CultureInfo.InvariantCulture);

    /// <summary>The article ids a listing page shows, in order.</summary>
    public static string[] ListedIds(IHtmlDocument page) =>
        page.QuerySelectorAll(".listing li h2 a").Select(a => a.GetAttribute("href")!.TrimEnd('/').Split('/')[^1]).ToArray();

    public static SyndicationFeed LoadFeed(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml));
        return SyndicationFeed.Load(reader);
    }

    public static readonly XNamespace SitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public static readonly XNamespace NewsNs = "http://www.google.com/schemas/sitemap-news/0.9";

    /// <summary>Every URL in every shard the sitemap index lists.</summary>
    public static async Task<List<string>> SitemapUrlsAsync(StorageFixture storage)
    {
        var index = XDocument.Parse((await storage.WebFileAsync("/sitemap.xml"))!);
        var urls = new List<string>();
        foreach (var loc in index.Root!.Elements(SitemapNs + "sitemap").Select(s => s.Element(SitemapNs + "loc")!.Value))
        {
            var shard = XDocument.Parse((await storage.WebFileAsync(loc[StorageFixture.BaseUrl.Length..]))!);
            urls.AddRange(shard.Root!.Elements(SitemapNs + "url").Select(u => u.Element(SitemapNs + "loc")!.Value));
        }
        return urls;
    }
}
