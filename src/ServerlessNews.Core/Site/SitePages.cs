using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// The HTML pages besides articles: listing front pages, month archives and the 404 page. Each reads a few rows of
/// the listings (<see cref="IListingReader"/>), never a blob or a whole table. A listing without articles has no page.
/// </summary>
public sealed class SitePages(PageNavigation navigation, NoticePages notices, PageRenderer renderer, IOptions<SiteOptions> site, IOptions<RefreshOptions> refresh)
{
    public const string NotFoundBlob = "404.html";
    public const string HtmlType = "text/html; charset=utf-8";

    /// <summary>Listings and feeds change with every publish; a CDN may keep them briefly.</summary>
    public const string ListingCacheControl = "public, max-age=60";

    private SiteOptions Site => site.Value;
    private RefreshOptions Refresh => refresh.Value;

    public async Task<RenderedOutput> RenderFrontAsync(ListingRef listing, IListingReader reader, CancellationToken ct)
    {
        var output = new RenderedOutput { Owned = { BlobName(listing.BasePath) } };
        var rowsTask = reader.NewestAsync(listing.Key, Refresh.FrontPageSize, ct);
        var monthsTask = reader.MonthsAsync(listing.Key, ct);
        var sectionsTask = reader.SectionsAsync(ct);
        var rows = await rowsTask;
        var months = await monthsTask;
        output.Rows = rows.Count;
        if (rows.Count == 0)
        {
            return output;
        }
        var name = NameOf(listing, rows);
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
            months.Select(m => new LinkView(Months.Display(m), listing.ArchivePath(m))).ToArray());
        var title = listing.Kind == ListingRef.All ? $"{Site.Name}: latest news" : $"{heading} | {Site.Name}";
        output.Files.Add(await ListingFileAsync(listing with { Name = name }, listing.BasePath, title, view, await sectionsTask, ct));
        return output;
    }

    /// <summary>Every page of one month of a listing. Months before it never change when new articles arrive.</summary>
    public async Task<RenderedOutput> RenderMonthAsync(ListingRef listing, string month, IListingReader reader, CancellationToken ct)
    {
        var archive = listing.ArchivePath(month);
        string PagePath(int index) => index == 0 ? archive : archive + $"page/{index + 1}/";
        var output = new RenderedOutput { Numbered = i => BlobName(PagePath(i)) };
        if (!Months.TryParse(month, out var start))
        {
            return output;
        }
        var rowsTask = reader.RangeAsync(listing.Key, start, start.AddMonths(1), ct);
        var monthsTask = reader.MonthsAsync(listing.Key, ct);
        var sectionsTask = reader.SectionsAsync(ct);
        var rows = await rowsTask;
        output.Rows = rows.Count;
        if (rows.Count == 0)
        {
            return output; // an archive month without articles has no pages, and no listing links to it
        }
        var months = await monthsTask;
        var sections = await sectionsTask;
        var name = NameOf(listing, rows);
        var newer = months.LastOrDefault(m => string.CompareOrdinal(m, month) > 0);
        var older = months.FirstOrDefault(m => string.CompareOrdinal(m, month) < 0);
        var pages = rows.Chunk(Refresh.ArchivePageSize).ToList();
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
            output.Files.Add(await ListingFileAsync(listing with { Name = name }, PagePath(i), $"{heading} | {Site.Name}", view, sections, ct));
        }
        output.NumberedCount = pages.Count;
        return output;
    }

    /// <summary>The site's 404 page, while the site has articles.</summary>
    public async Task<RenderedOutput> RenderNotFoundAsync(IListingReader reader, CancellationToken ct)
    {
        var output = new RenderedOutput { Owned = { NotFoundBlob } };
        if (await HasArticlesAsync(reader, ct))
        {
            output.Files.Add(new SiteFile(NotFoundBlob, BinaryData.FromString(await notices.RenderAsync(NoticePages.NotFound, await reader.SectionsAsync(ct), ct)),
                HtmlType, ListingCacheControl));
        }
        return output;
    }

    /// <summary>Whether the site has published articles: its site-wide files exist only then.</summary>
    public static async Task<bool> HasArticlesAsync(IListingReader reader, CancellationToken ct) =>
        (await reader.NewestAsync(ListingRef.All, 1, ct)).Count > 0;

    private async Task<SiteFile> ListingFileAsync(
        ListingRef listing, string path, string title, ListingPageView view, IReadOnlyList<SectionName> sections, CancellationToken ct)
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
        var page = navigation.Decorate(new PageView(title, description, canonical, meta, null), listing, sections);
        var html = await renderer.RenderPageAsync("listing.liquid", page, new Dictionary<string, object?> { ["listing"] = view }, ct);
        return new SiteFile(BlobName(path), BinaryData.FromString(html), HtmlType, ListingCacheControl);
    }

    /// <summary>The listing's name as its newest article (of the rows shown) spells it.</summary>
    private static string NameOf(ListingRef listing, IReadOnlyList<ListingEntity> rows) =>
        rows.Count > 0 && rows[0] is { ListingName.Length: > 0 } row ? row.ListingName : listing.Name;

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
}
