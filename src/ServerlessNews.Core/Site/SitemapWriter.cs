using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// <c>/sitemap.xml</c>: an index of monthly shards (<c>/sitemaps/2026-11.xml</c>, split further past the
/// protocol's 50,000 URLs), the Google News sitemap of the last two days, and <c>robots.txt</c> naming both.
/// A publish rewrites only its own month's shards, then the index (one row per month).
/// </summary>
public sealed class SitemapWriter(IOptions<SiteOptions> site, IOptions<RefreshOptions> refresh)
{
    public const string SitemapNamespace = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public const string NewsNamespace = "http://www.google.com/schemas/sitemap-news/0.9";
    public const string IndexPath = "/sitemap.xml";
    public const string NewsPath = "/news-sitemap.xml";
    public const string RobotsPath = "/robots.txt";
    private const string XmlType = "application/xml; charset=utf-8";

    private SiteOptions Site => site.Value;

    public static string ShardPath(string month, int index) => $"/sitemaps/{month}{(index == 0 ? "" : "-" + (index + 1))}.xml";

    /// <summary>One month's shards; the output's rows and last modification are what the sitemap index records of it.</summary>
    public async Task<RenderedOutput> RenderMonthAsync(string month, IListingReader reader, CancellationToken ct)
    {
        var output = new RenderedOutput { Numbered = i => ShardPath(month, i).TrimStart('/') };
        if (!Months.TryParse(month, out var start))
        {
            return output;
        }
        var rows = await reader.RangeAsync(ListingRef.All, start, start.AddMonths(1), ct);
        var shards = rows.Chunk(refresh.Value.SitemapShardSize).ToList();
        for (var i = 0; i < shards.Count; i++)
        {
            output.Files.Add(File(ShardPath(month, i), w =>
            {
                w.WriteStartElement("urlset", SitemapNamespace);
                foreach (var row in shards[i])
                {
                    w.WriteStartElement("url", SitemapNamespace);
                    w.WriteElementString("loc", SitemapNamespace, Site.AbsoluteUrl(row.Path));
                    w.WriteElementString("lastmod", SitemapNamespace, PageRenderer.Iso(row.ModifiedAt));
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }));
        }
        output.NumberedCount = shards.Count;
        output.Rows = rows.Count;
        output.LastModified = rows.Count > 0 ? rows.Max(r => r.ModifiedAt) : null;
        return output;
    }

    /// <summary>The sitemap index: every month's shards, newest month first.</summary>
    public async Task<RenderedOutput> RenderIndexAsync(IListingReader reader, CancellationToken ct)
    {
        var output = new RenderedOutput { Owned = { IndexPath.TrimStart('/') } };
        var months = await reader.SitemapMonthsAsync(ct);
        if (months.Count == 0)
        {
            return output;
        }
        output.Files.Add(File(IndexPath, w =>
        {
            w.WriteStartElement("sitemapindex", SitemapNamespace);
            foreach (var month in months)
            {
                for (var i = 0; i < month.Shards; i++)
                {
                    w.WriteStartElement("sitemap", SitemapNamespace);
                    w.WriteElementString("loc", SitemapNamespace, Site.AbsoluteUrl(ShardPath(month.Month, i)));
                    w.WriteElementString("lastmod", SitemapNamespace, PageRenderer.Iso(month.LastModified));
                    w.WriteEndElement();
                }
            }
            w.WriteEndElement();
        }));
        return output;
    }

    /// <summary>
    /// Articles published in the news window before the clock period <paramref name="asOf"/> (see <see cref="SiteClock"/>),
    /// newest first: the first rows of one partition. Written while the site has articles, even when none is that recent.
    /// </summary>
    public async Task<RenderedOutput> RenderNewsAsync(IListingReader reader, DateTimeOffset asOf, CancellationToken ct)
    {
        var output = new RenderedOutput { Owned = { NewsPath.TrimStart('/') } };
        if (!await SitePages.HasArticlesAsync(reader, ct))
        {
            return output;
        }
        var rows = await reader.NewestAsync(ListingRef.All, refresh.Value.NewsMaxUrls, ct, notBefore: asOf - refresh.Value.NewsWindow);
        output.Rows = rows.Count;
        output.Files.Add(File(NewsPath, w =>
        {
            w.WriteStartElement("urlset", SitemapNamespace);
            w.WriteAttributeString("xmlns", "news", null, NewsNamespace);
            foreach (var row in rows)
            {
                w.WriteStartElement("url", SitemapNamespace);
                w.WriteElementString("loc", SitemapNamespace, Site.AbsoluteUrl(row.Path));
                w.WriteStartElement("news", "news", NewsNamespace);
                w.WriteStartElement("news", "publication", NewsNamespace);
                w.WriteElementString("news", "name", NewsNamespace, Site.Name);
                w.WriteElementString("news", "language", NewsNamespace, Site.Language);
                w.WriteEndElement();
                w.WriteElementString("news", "publication_date", NewsNamespace, PageRenderer.Iso(row.PublishedAt));
                w.WriteElementString("news", "title", NewsNamespace, row.Headline);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }));
        return output;
    }

    /// <summary><c>robots.txt</c>, naming both sitemaps, while the site has articles.</summary>
    public async Task<RenderedOutput> RenderRobotsAsync(IListingReader reader, CancellationToken ct)
    {
        var output = new RenderedOutput { Owned = { RobotsPath.TrimStart('/') } };
        if (!await SitePages.HasArticlesAsync(reader, ct))
        {
            return output;
        }
        var robots = new StringBuilder()
            .Append("User-agent: *\n")
            .Append("Disallow: /api/\n")
            .Append("Sitemap: ").Append(Site.AbsoluteUrl(IndexPath)).Append('\n')
            .Append("Sitemap: ").Append(Site.AbsoluteUrl(NewsPath)).Append('\n')
            .ToString();
        output.Files.Add(new SiteFile(RobotsPath.TrimStart('/'), BinaryData.FromString(robots), "text/plain; charset=utf-8", SitePages.ListingCacheControl));
        return output;
    }

    private static SiteFile File(string path, Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            writer.WriteStartDocument();
            write(writer);
            writer.WriteEndDocument();
        }
        return new SiteFile(path.TrimStart('/'), new BinaryData(buffer.ToArray()), XmlType, SitePages.ListingCacheControl);
    }
}
