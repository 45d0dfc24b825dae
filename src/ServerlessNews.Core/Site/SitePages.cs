using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Images;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// The HTML pages besides articles: listing fronts (with their numbered pages), month archives and the 404 page. Each
/// is a function of a few rows of the listings (<see cref="IListingReader"/>: heads, one partition query) and of the
/// manifests of the images it shows; none reads a whole table or grows with the site. A listing without articles has
/// no page.
/// </summary>
public sealed class SitePages(
    ImageResolver images, PageNavigation navigation, NoticePages notices, PageRenderer renderer, IOptions<SiteOptions> site, IOptions<RefreshOptions> refresh)
{
    public const string NotFoundBlob = "404.html";
    public const string HtmlType = "text/html; charset=utf-8";

    /// <summary>Listings and feeds change with every publish; a CDN may keep them briefly.</summary>
    public const string ListingCacheControl = "public, max-age=60";

    /// <summary>The lead image: the page's width on a phone; three fifths of the 72rem page beside its text from 50rem.</summary>
    public const string LeadSizes = "(min-width: 72rem) 41rem, (min-width: 50rem) 58vw, calc(100vw - 2rem)";

    /// <summary>A thumbnail: 7.5rem beside the text on a phone; a third of the page, above the text, from 50rem.</summary>
    public const string ThumbnailSizes = "(min-width: 72rem) 22rem, (min-width: 50rem) 30vw, 7.5rem";

    /// <summary>A section block's first image: the page's width on a phone, a block's (at least 16rem, at most about 22rem) from 50rem.</summary>
    public const string BlockSizes = "(min-width: 50rem) 22rem, calc(100vw - 2rem)";

    /// <summary>The widest image each can ask for, at twice its size on screen: larger renditions are not offered.</summary>
    private const int LeadMaxWidth = 1312;

    private const int ThumbnailMaxWidth = 704;

    private const int BlockMaxWidth = 900;

    private SiteOptions Site => site.Value;
    private RefreshOptions Refresh => refresh.Value;

    /// <summary>
    /// A listing's front page and the numbered pages after it (<c>/world/page/2/</c> up to <see cref="RefreshOptions.FrontPages"/>),
    /// <see cref="RefreshOptions.FrontPageSize"/> articles each, newest first. Page one leads with the newest story and its image,
    /// then the others with kickers, summaries and thumbnails (on the home page, then a block of the newest few of each section);
    /// the numbered pages list articles without images. A new article shifts every numbered page, so they are one output,
    /// rendered from one read; the last links on to the month archive of the next older article, where pages never shift.
    /// Numbered pages the front no longer has are removed (<see cref="RenderedOutput.Numbered"/>).
    /// </summary>
    /// <remarks>
    /// Reads: the listing's head (when it is full, then the newest <c>FrontPages × FrontPageSize + 1</c> rows, one query), its
    /// months and the sections; for the home page, the head of each section it shows a block of (a point read each, at most
    /// <see cref="RefreshOptions.HomeSectionBlocks"/>); the manifests of the uploaded images page one shows.
    /// </remarks>
    public async Task<RenderedOutput> RenderFrontAsync(ListingRef listing, IListingReader reader, CancellationToken ct)
    {
        string PathOf(int index) => index == 0 ? listing.BasePath : listing.PagePath(index + 1);
        var output = new RenderedOutput { Numbered = i => BlobName(PathOf(i)) };
        var size = Refresh.FrontPageSize;
        var shown = Refresh.FrontPages * size;
        var monthsTask = reader.MonthsAsync(listing.Key, ct);
        var sectionsTask = reader.SectionsAsync(ct);
        // As many as the listing's head holds (one point read), and only past them the numbered pages' rows (one query).
        var first = Math.Max(size + 1, Math.Min(shown + 1, ListingHeads.Size));
        var rows = await reader.NewestAsync(listing.Key, first, ct);
        if (rows.Count >= first && first < shown + 1)
        {
            rows = await reader.NewestAsync(listing.Key, shown + 1, ct);
        }
        output.Rows = Math.Min(rows.Count, shown);
        if (rows.Count == 0)
        {
            return output;
        }
        var sections = await sectionsTask;
        var blocks = listing.Kind == ListingRef.All ? await SectionBlocksAsync(sections, reader, ct) : [];
        var months = await monthsTask;
        listing = listing with { Name = NameOf(listing, rows) };
        var chunks = rows.Take(shown).Chunk(size).ToList();
        var olderMonth = rows.Count > shown ? Months.Of(rows[shown].PublishedAt) : null;

        // Page one shows the lead's image and thumbnails, and so does each section block's first article.
        var scope = RenderScope.ForOnePage();
        var withImages = chunks[0].Concat(blocks.Select(b => b.Rows[0]));
        var resolved = await images.ReadAsync(withImages.Select(UploadedImage).OfType<string>(), scope, ct);

        var archive = months.Select(m => new LinkView(Months.Display(m), listing.ArchivePath(m))).ToArray();
        FeedLinkView[] feeds = listing.Kind == ListingRef.All ? [] : FeedLinks(listing);
        for (var i = 0; i < chunks.Count; i++)
        {
            var pager = new List<PagerLinkView>();
            if (i > 0)
            {
                pager.Add(new("Newer articles", PathOf(i - 1), "prev"));
            }
            if (i < chunks.Count - 1)
            {
                pager.Add(new("Older articles", PathOf(i + 1), "next"));
            }
            else if (olderMonth is not null)
            {
                pager.Add(new($"Older: {Months.Display(olderMonth)}", listing.ArchivePath(olderMonth), "next"));
            }
            var heading = i == 0 ? listing.Heading : $"{listing.Heading}, page {i + 1}";
            var items = i == 0
                ? chunks[0].Select((row, n) => n == 0
                    ? WithImage(ToItem(row), row, resolved, LeadSizes, LeadMaxWidth, ImageLoading.Lead)
                    : WithImage(ToItem(row), row, resolved, ThumbnailSizes, ThumbnailMaxWidth)).ToArray()
                : chunks[i].Select(ToItem).ToArray();
            var view = new ListingPageView(heading, items, pager, archive)
            {
                HasLead = i == 0,
                ShowSections = listing.Kind != ListingRef.SectionKind,
                Blocks = i == 0 ? blocks.Select(b => BlockView(b.Section, b.Rows, resolved)).ToArray() : [],
                Feeds = feeds,
            };
            var title = listing.Kind == ListingRef.All && i == 0 ? $"{Site.Name}: latest news" : $"{heading} | {Site.Name}";
            IReadOnlyList<MetaTag> share = i == 0 && chunks[0][0] is { ImageUrl: { } url } lead
                ? renderer.ShareImageMeta(new ArticleImage(url, lead.ImageAlt ?? ""), resolved)
                : [];
            LinkView[] crumbs = i == 0 ? [] : [new($"Page {i + 1}", PathOf(i))];
            output.Files.Add(await ListingFileAsync(listing, PathOf(i), title, view, share, crumbs, sections, ct));
        }
        output.NumberedCount = chunks.Count;
        return output;
    }

    /// <summary>
    /// Every page of one month of a listing, newest first, numbered from the oldest: <c>page/1/</c> holds the month's
    /// first <see cref="RefreshOptions.ArchivePageSize"/> articles, <c>page/2/</c> the next, and the archive's own
    /// address the newest, partly filled page. A new article lands on that page, so the numbered pages stay as they
    /// are (a publish rewrites one page per archive, and when that page fills up, the pages either side of the new
    /// one); only a back-dated or removed article shifts the pages after it. Months before it never change when new
    /// articles arrive. The numbered pages are <see cref="RenderedOutput.Stable"/>: written only where they differ.
    /// </summary>
    public async Task<RenderedOutput> RenderMonthAsync(ListingRef listing, string month, IListingReader reader, CancellationToken ct)
    {
        var archive = listing.ArchivePath(month);
        var output = new RenderedOutput
        {
            Owned = { BlobName(archive) },
            Numbered = i => BlobName(archive + $"page/{i + 1}/"),
            Stable = (archive + "page/").TrimStart('/'),
        };
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
        listing = listing with { Name = NameOf(listing, rows) };
        var newer = months.LastOrDefault(m => string.CompareOrdinal(m, month) > 0);
        var older = months.FirstOrDefault(m => string.CompareOrdinal(m, month) < 0);
        var size = Refresh.ArchivePageSize;
        var count = (rows.Count + size - 1) / size;
        var onNewest = rows.Count - ((count - 1) * size);
        string PathOf(int number) => number == count ? archive : archive + $"page/{number}/";
        string Title(int number) => Months.Display(month) + (number < count ? $", page {number}" : "");
        for (var number = count; number >= 1; number--)
        {
            var shown = number == count ? rows.Take(onNewest) : rows.Skip(onNewest + ((count - 1 - number) * size)).Take(size);
            var pager = new List<PagerLinkView> { new("Latest", listing.BasePath) };
            if (newer is not null)
            {
                pager.Add(new($"Newer: {Months.Display(newer)}", listing.ArchivePath(newer)));
            }
            if (number < count)
            {
                pager.Add(new("Newer page", PathOf(number + 1), "prev"));
            }
            if (number > 1)
            {
                pager.Add(new("Older page", PathOf(number - 1), "next"));
            }
            if (older is not null)
            {
                pager.Add(new($"Older: {Months.Display(older)}", listing.ArchivePath(older)));
            }
            var heading = (listing.Kind == ListingRef.All ? "" : listing.Name + ": ") + Title(number);
            var view = new ListingPageView(heading, shown.Select(ToItem).ToArray(), pager, [])
            {
                ShowSections = listing.Kind != ListingRef.SectionKind,
            };
            var crumbs = new[] { new LinkView(Title(number), PathOf(number)) };
            output.Files.Add(await ListingFileAsync(listing, PathOf(number), $"{heading} | {Site.Name}", view, [], crumbs, sections, ct));
        }
        output.NumberedCount = count - 1;
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

    /// <param name="share">The <c>og:image</c> tags of the lead story's image; none for the brand's default.</param>
    /// <param name="crumbs">Where the page is below its listing's front page (a numbered page, a month), for the BreadcrumbList.</param>
    private async Task<SiteFile> ListingFileAsync(
        ListingRef listing, string path, string title, ListingPageView view, IReadOnlyList<MetaTag> share, IReadOnlyList<LinkView> crumbs,
        IReadOnlyList<SectionName> sections, CancellationToken ct)
    {
        var home = listing.Kind == ListingRef.All;
        var description = home ? $"The latest news from {Site.Name}." : $"{view.Heading}: the latest from {Site.Name}.";
        var canonical = Site.AbsoluteUrl(path);
        var meta = new List<MetaTag>
        {
            new("property", "og:type", "website"),
            new("property", "og:site_name", Site.Name),
            new("property", "og:title", title),
            new("property", "og:description", description),
            new("property", "og:url", canonical),
        };
        meta.AddRange(share);
        // The home page says who publishes the site; every other listing page where it is in it.
        var steps = new List<LinkView> { new(Site.Name, "/") };
        if (!home)
        {
            steps.Add(new(listing.Heading, listing.BasePath));
        }
        steps.AddRange(crumbs);
        var page = new PageView(title, description, canonical, meta, home && path == listing.BasePath ? SiteJsonLd() : null)
        {
            BreadcrumbJsonLd = steps.Count > 1 ? PageRenderer.BreadcrumbJsonLd(steps.Select(s => s with { Url = Site.AbsoluteUrl(s.Url) }).ToArray()) : null,
            Pager = view.Pager,
            Wide = view.HasLead || view.Blocks.Count > 0,
        };
        page = navigation.Decorate(page, listing, sections);
        var html = await renderer.RenderPageAsync("listing.liquid", page, new Dictionary<string, object?> { ["listing"] = view }, ct);
        return new SiteFile(BlobName(path), BinaryData.FromString(html), HtmlType, ListingCacheControl);
    }

    /// <summary>The home page's schema.org Organization (with its logo) and WebSite, linked by their ids.</summary>
    private string SiteJsonLd()
    {
        var home = Site.AbsoluteUrl("/");
        var organization = renderer.OrganizationJsonLd();
        organization["@id"] = home + "#organization";
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@graph"] = new JsonArray(
                organization,
                new JsonObject
                {
                    ["@type"] = "WebSite",
                    ["@id"] = home + "#website",
                    ["name"] = Site.Name,
                    ["url"] = home,
                    ["inLanguage"] = Site.Language,
                    ["publisher"] = new JsonObject { ["@id"] = home + "#organization" },
                }),
        }.ToJsonString();
    }

    private FeedLinkView[] FeedLinks(ListingRef listing) =>
    [
        new(FeedLinkView.RssType, "RSS feed", Site.AbsoluteUrl(listing.RssPath)),
        new(FeedLinkView.AtomType, "Atom feed", Site.AbsoluteUrl(listing.AtomPath)),
    ];

    /// <summary>
    /// The newest few articles of each section the navigation lists (at most <see cref="RefreshOptions.HomeSectionBlocks"/>),
    /// each from its section's head: the home page's cost does not grow with the site's articles.
    /// </summary>
    private async Task<List<SectionBlock>> SectionBlocksAsync(IReadOnlyList<SectionName> sections, IListingReader reader, CancellationToken ct)
    {
        var blocks = await Task.WhenAll(sections.Take(Refresh.HomeSectionBlocks).Select(async s =>
        {
            var section = new ListingRef(ListingRef.SectionKind, s.Slug, s.Name);
            return new SectionBlock(section, await reader.NewestAsync(section.Key, Refresh.HomeSectionItems, ct));
        }));
        return blocks.Where(b => b.Rows.Count > 0).ToList();
    }

    private sealed record SectionBlock(ListingRef Section, IReadOnlyList<ListingEntity> Rows);

    private static SectionBlockView BlockView(ListingRef section, IReadOnlyList<ListingEntity> rows, ResolvedImages resolved) => new(
        "block-" + section.Slug,
        new LinkView(section.Name, section.BasePath),
        rows.Select((row, n) => n == 0 ? WithImage(ToItem(row), row, resolved, BlockSizes, BlockMaxWidth) : ToItem(row)).ToArray());

    /// <summary>The uploaded image a row shows, by its name in the <c>images</c> container; null for none or an external URL.</summary>
    private static string? UploadedImage(ListingEntity row) =>
        row.ImageUrl is { } url && ImageReference.TryParseUploaded(url, out var name) ? name : null;

    /// <summary>The item with its image: the lead story's (fetched first) or a thumbnail (loaded when near the screen).</summary>
    private static ListingItemView WithImage(
        ListingItemView item, ListingEntity row, ResolvedImages resolved, string sizes, int maxWidth, ImageLoading loading = ImageLoading.Lazy) =>
        row.ImageUrl is { } url ? item with { Image = FigureMarkup.Image(url, row.ImageAlt ?? "", resolved, sizes, loading, maxWidth) } : item;

    /// <summary>The listing's name as its newest article (of the rows shown) spells it.</summary>
    private static string NameOf(ListingRef listing, IReadOnlyList<ListingEntity> rows) =>
        rows.Count > 0 && rows[0] is { ListingName.Length: > 0 } row ? row.ListingName : listing.Name;

    public static ListingItemView ToItem(ListingEntity row) => new(
        row.ArticleId,
        row.Headline,
        row.Kicker,
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
