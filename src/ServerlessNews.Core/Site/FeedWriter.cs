using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// RSS 2.0 and Atom 1.0 feeds of every listing (the whole site, each section, tag and author), newest items first,
/// beside the listing's front page and linked from it; none for a listing without articles.
/// </summary>
public sealed class FeedWriter(IOptions<SiteOptions> site, IOptions<RefreshOptions> refresh)
{
    private SiteOptions Site => site.Value;

    public async Task<RenderedOutput> RenderAsync(ListingRef listing, IListingReader reader, CancellationToken ct)
    {
        var output = new RenderedOutput { Owned = { listing.RssPath.TrimStart('/'), listing.AtomPath.TrimStart('/') } };
        var rows = await reader.NewestAsync(listing.Key, refresh.Value.FeedItems, ct);
        output.Rows = rows.Count;
        if (rows.Count == 0)
        {
            return output;
        }
        var feed = Build(rows[0].ListingName is { Length: > 0 } name ? listing with { Name = name } : listing, rows);
        output.Files.Add(File(listing.RssPath, feed.GetRss20Formatter(), FeedLinkView.RssType));
        output.Files.Add(File(listing.AtomPath, feed.GetAtom10Formatter(), FeedLinkView.AtomType));
        return output;
    }

    private SyndicationFeed Build(ListingRef listing, IReadOnlyList<ListingEntity> rows)
    {
        var title = listing.FeedTitle(Site.Name);
        var pageUrl = new Uri(Site.AbsoluteUrl(listing.BasePath));
        var feed = new SyndicationFeed(title, $"The latest articles from {title}.", pageUrl)
        {
            Id = pageUrl.AbsoluteUri,
            Language = Site.Language,
            LastUpdatedTime = rows.Count > 0 ? rows.Max(r => r.ModifiedAt) : DateTimeOffset.UnixEpoch,
            Generator = Site.Name,
            Items = rows.Select(ToItem).ToList(),
        };
        feed.Links.Add(new SyndicationLink(new Uri(Site.AbsoluteUrl(listing.AtomPath)), "self", title, FeedLinkView.AtomType, 0));
        // Atom requires an author for every entry; the site stands in where an item names none.
        feed.Authors.Add(new SyndicationPerson { Name = Site.Name });
        return feed;
    }

    private SyndicationItem ToItem(ListingEntity row)
    {
        var url = new Uri(Site.AbsoluteUrl(row.Path));
        // The summary is the item's text; the full article is on the page the link points to.
        var item = new SyndicationItem
        {
            Id = url.AbsoluteUri,
            Title = new TextSyndicationContent(row.Headline),
            Summary = new TextSyndicationContent(row.Summary ?? row.Headline),
            PublishDate = row.PublishedAt,
            LastUpdatedTime = row.ModifiedAt,
        };
        item.Links.Add(SyndicationLink.CreateAlternateLink(url, "text/html"));
        foreach (var author in row.AuthorNames())
        {
            item.Authors.Add(new SyndicationPerson { Name = author });
        }
        item.Categories.Add(new SyndicationCategory(row.Section));
        foreach (var tag in row.TagNames())
        {
            item.Categories.Add(new SyndicationCategory(tag));
        }
        return item;
    }

    private static SiteFile File(string path, SyndicationFeedFormatter formatter, string contentType)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            formatter.WriteTo(writer);
        }
        return new SiteFile(path.TrimStart('/'), new BinaryData(buffer.ToArray()), contentType + "; charset=utf-8", SitePages.ListingCacheControl);
    }
}
