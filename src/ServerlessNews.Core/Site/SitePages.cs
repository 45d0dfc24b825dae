using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// The HTML pages besides articles: listing front pages, month archives and the 404 page. Each reads a few rows of the listings table, never a blob or a whole table.
/// </summary>
public sealed class SitePages(
    BlobServiceClient blobs, ListingIndex listings, ListingMonths listingMonths, SectionIndex sections, PageNavigation navigation, NoticePages notices, PageRenderer renderer, IOptions<SiteOptions> site, IOptions<RefreshOptions> refresh)
{
    public const string NotFoundBlob = "404.html";
    public const string HtmlType = "text/html; charset=utf-8";

    /// <summary>Listings and feeds change with every publish; a CDN may keep them briefly.</summary>
    public const string ListingCacheControl = "public, max-age=60";

    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    private SiteOptions Site => site.Value;
    private RefreshOptions Refresh => refresh.Value;

    public async Task WriteFrontAsync(ListingRef listing, CancellationToken ct)
    {
        var rowsTask = listings.NewestAsync(listing.Key, Refresh.FrontPageSize, ct);
        var monthsTask = listingMonths.ListAsync(listing.Key, ct);
        var rows = await rowsTask;
        var months = await monthsTask;
        var name = await NameOfAsync(listing, rows, ct);
        var heading = listing.Kind switch
        {
            ListingRef.All => "Latest news",
            ListingRef.TagKind => $"Articles tagged {name}",
            ListingRef.AuthorKind => $"Articles by {name}",
            _ => name,
        };
        var view = new ListingPageView(
            heading,
            rows.Select(ToItem).ToArray(),
            [],
            months.Select(m => new LinkView(Months.Display(m.RowKey), listing.ArchivePath(m.RowKey))).ToArray());
        var title = listing.Kind == ListingRef.All ? $"{Site.Name}: latest news" : $"{heading} | {Site.Name}";
        await WriteListingAsync(listing with { Name = name }, listing.BasePath, title, view, ct);
        if (listing.Kind == ListingRef.All)
        {
            await WriteNotFoundAsync(ct);
        }
    }

    /// <summary>Every page of one month of a listing. Months before it never change when new articles arrive.</summary>
    public async Task WriteMonthAsync(ListingRef listing, string month, CancellationToken ct)
    {
        if (!Months.TryParse(month, out var start))
        {
            return;
        }
        var rowsTask = listings.RangeAsync(listing.Key, start, start.AddMonths(1), ct);
        var monthsTask = listingMonths.ListAsync(listing.Key, ct);
        var rows = await rowsTask;
        var months = (await monthsTask).Select(m => m.RowKey).ToList();
        var name = await NameOfAsync(listing, rows, ct);
        var newer = months.LastOrDefault(m => string.CompareOrdinal(m, month) > 0);
        var older = months.FirstOrDefault(m => string.CompareOrdinal(m, month) < 0);
        var pages = rows.Chunk(Refresh.ArchivePageSize).ToList();
        if (pages.Count == 0)
        {
            pages.Add([]);
        }
        var archive = listing.ArchivePath(month);
        string PagePath(int index) => index == 0 ? archive : archive + $"page/{index + 1}/";
        for (var i = 0; i < pages.Count; i++)
        {
            var pager = new List<LinkView> { new("Latest", listing.BasePath) };
            if (newer is not null)
            {
                pager.Add(new($"Newer: {Months.Display(newer)}", listing.ArchivePath(newer)));
            }
            if (i > 0)
            {
                pager.Add(new("Previous page", PagePath(i - 1)));
            }
            if (i < pages.Count - 1)
            {
                pager.Add(new("Next page", PagePath(i + 1)));
            }
            if (older is not null)
            {
                pager.Add(new($"Older: {Months.Display(older)}", listing.ArchivePath(older)));
            }
            var heading = (listing.Kind == ListingRef.All ? "" : name + ": ") + Months.Display(month) + (i > 0 ? $", page {i + 1}" : "");
            var view = new ListingPageView(heading, pages[i].Select(ToItem).ToArray(), pager, []);
            await WriteListingAsync(listing with { Name = name }, PagePath(i), $"{heading} | {Site.Name}", view, ct);
        }
        // Pages left over from when the month was longer (kills shrink it).
        for (var i = pages.Count; await _web.GetBlobClient(BlobName(PagePath(i))).DeleteIfExistsAsync(cancellationToken: ct); i++)
        {
        }
    }

    public async Task WriteNotFoundAsync(CancellationToken ct)
    {
        await WriteAsync(NotFoundBlob, await notices.RenderAsync(NoticePages.NotFound, ct), ct);
    }

    private async Task WriteListingAsync(ListingRef listing, string path, string title, ListingPageView view, CancellationToken ct)
    {
        var description = listing.Kind == ListingRef.All ? $"The latest news from {Site.Name}." : $"{view.Heading}: the latest from {Site.Name}.";
        var canonical = Site.AbsoluteUrl(path);
        var meta = new List<MetaTag>
        {
            new("property", "og:type", "website"),
            new("property", "og:site_name", Site.Name),
            new("property", "og:title", title),
            new("property", "og:description", description),
            new("property", "og:url", canonical),
            new("name", "twitter:card", "summary"),
        };
        var page = await navigation.DecorateAsync(new PageView(title, description, canonical, meta, null), listing, ct);
        var html = await renderer.RenderPageAsync("listing.liquid", page, new Dictionary<string, object?> { ["listing"] = view }, ct);
        await WriteAsync(BlobName(path), html, ct);
    }

    private async Task<string> NameOfAsync(ListingRef listing, List<ListingEntity> rows, CancellationToken ct)
    {
        if (rows.Count > 0 && rows[0] is { ListingName.Length: > 0 } row)
        {
            return row.ListingName;
        }
        if (listing.Kind == ListingRef.SectionKind)
        {
            if ((await sections.ListAsync(ct)).Find(s => s.Slug == listing.Slug) is { } known)
            {
                return known.Name;
            }
        }
        return listing.Name;
    }

    public static ListingItemView ToItem(ListingEntity row) => new(
        row.ArticleId,
        row.Headline,
        row.Summary,
        row.Path,
        new LinkView(row.Section, SitePaths.Section(row.Section)),
        JoinNames(row.AuthorNames()),
        PageRenderer.Iso(row.PublishedAt),
        PageRenderer.Display(row.PublishedAt),
        row.UpdatedAt is { } u ? PageRenderer.Iso(u) : null,
        row.UpdatedAt is { } d ? PageRenderer.Display(d) : null);

    /// <summary>"A", "A and B", "A, B and C", as the byline reads.</summary>
    public static string JoinNames(IReadOnlyList<string> names) => names.Count switch
    {
        0 => "",
        1 => names[0],
        _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
    };

    public static string BlobName(string path) => path.TrimStart('/') + "index.html";

    private Task WriteAsync(string blobName, string html, CancellationToken ct) =>
        WriteBlobAsync(_web.GetBlobClient(blobName), BinaryData.FromString(html), HtmlType, ct);

    public static async Task WriteBlobAsync(BlobClient blob, BinaryData content, string contentType, CancellationToken ct) =>
        await blob.UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = ListingCacheControl },
        }, ct);
}
