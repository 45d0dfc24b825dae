using System.Text;
using System.Xml;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// <c>/sitemap.xml</c>: an index of monthly shards (<c>/sitemaps/2026-11.xml</c>, split further past the
/// protocol's 50,000 URLs), the Google News sitemap of the last two days, and <c>robots.txt</c> naming both.
/// A publish rewrites only its own month's shards and the index (one row per month).
/// </summary>
public sealed class SitemapWriter(BlobServiceClient blobs, ListingIndex listings, ListingMonths months, IOptions<SiteOptions> site, IOptions<RefreshOptions> refresh, TimeProvider time)
{
    public const string SitemapNamespace = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public const string NewsNamespace = "http://www.google.com/schemas/sitemap-news/0.9";
    public const string IndexPath = "/sitemap.xml";
    public const string NewsPath = "/news-sitemap.xml";
    public const string RobotsPath = "/robots.txt";
    private const string ShardsColumn = "Shards";
    private const string LastModifiedColumn = "LastModified";

    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    private SiteOptions Site => site.Value;

    public static string ShardPath(string month, int index) => $"/sitemaps/{month}{(index == 0 ? "" : "-" + (index + 1))}.xml";

    /// <summary>Rewrites one month's shards, then the index.</summary>
    public async Task WriteMonthAsync(string month, CancellationToken ct)
    {
        if (!Months.TryParse(month, out var start))
        {
            return;
        }
        var rows = await listings.RangeAsync(ListingRef.All, start, start.AddMonths(1), ct);
        var shards = rows.Chunk(refresh.Value.SitemapShardSize).ToList();
        for (var i = 0; i < shards.Count; i++)
        {
            await UploadAsync(ShardPath(month, i), w =>
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
            }, ct);
        }
        for (var i = shards.Count; await _web.GetBlobClient(ShardPath(month, i).TrimStart('/')).DeleteIfExistsAsync(cancellationToken: ct); i++)
        {
        }
        await months.SetAsync(ListingRef.All, month, new Dictionary<string, object>
        {
            [ShardsColumn] = shards.Count,
            [LastModifiedColumn] = rows.Count > 0 ? rows.Max(r => r.ModifiedAt) : time.GetUtcNow(),
        }, ct);
        await WriteIndexAsync(ct);
    }

    private async Task WriteIndexAsync(CancellationToken ct)
    {
        var shardMonths = await months.ListAsync(ListingRef.All, ct);
        await UploadAsync(IndexPath, w =>
        {
            w.WriteStartElement("sitemapindex", SitemapNamespace);
            foreach (var month in shardMonths)
            {
                var shards = month.GetInt32(ShardsColumn) ?? 0;
                var lastModified = month.GetDateTimeOffset(LastModifiedColumn);
                for (var i = 0; i < shards; i++)
                {
                    w.WriteStartElement("sitemap", SitemapNamespace);
                    w.WriteElementString("loc", SitemapNamespace, Site.AbsoluteUrl(ShardPath(month.RowKey, i)));
                    if (lastModified is { } lm)
                    {
                        w.WriteElementString("lastmod", SitemapNamespace, PageRenderer.Iso(lm));
                    }
                    w.WriteEndElement();
                }
            }
            w.WriteEndElement();
        }, ct);
    }

    /// <summary>Articles published in the news window, newest first: the first rows of one partition.</summary>
    public async Task WriteNewsAsync(CancellationToken ct)
    {
        var since = time.GetUtcNow() - refresh.Value.NewsWindow;
        var rows = await listings.TopAsync(ListingRef.All, refresh.Value.NewsMaxUrls, ct, notBefore: since);
        await UploadAsync(NewsPath, w =>
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
        }, ct);
    }

    public async Task WriteRobotsAsync(CancellationToken ct)
    {
        var robots = new StringBuilder()
            .Append("User-agent: *\n")
            .Append("Disallow: /api/\n")
            .Append("Sitemap: ").Append(Site.AbsoluteUrl(IndexPath)).Append('\n')
            .Append("Sitemap: ").Append(Site.AbsoluteUrl(NewsPath)).Append('\n')
            .ToString();
        await SitePages.WriteBlobAsync(_web.GetBlobClient(RobotsPath.TrimStart('/')), BinaryData.FromString(robots), "text/plain; charset=utf-8", ct);
    }

    private async Task UploadAsync(string path, Action<XmlWriter> write, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            writer.WriteStartDocument();
            write(writer);
            writer.WriteEndDocument();
        }
        await SitePages.WriteBlobAsync(_web.GetBlobClient(path.TrimStart('/')), new BinaryData(buffer.ToArray()), "application/xml; charset=utf-8", ct);
    }
}
