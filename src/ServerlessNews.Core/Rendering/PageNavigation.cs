using Microsoft.Extensions.Options;
using ServerlessNews.Index;

namespace ServerlessNews.Rendering;

/// <summary>The section navigation and the feed links every page carries, from the sections head.</summary>
public sealed class PageNavigation(SectionIndex sections, PageListingHeads heads, IOptions<SiteOptions> site)
{
    private SiteOptions Site => site.Value;

    /// <summary>The page with the navigation of <paramref name="known"/> sections and the feed links.</summary>
    /// <param name="section">The page's listing (an article page's section): its feeds are linked after the site's.</param>
    public PageView Decorate(PageView page, ListingRef? section, IReadOnlyList<SectionName> known)
    {
        var feeds = new List<FeedLinkView>();
        foreach (var listing in section is null or { Kind: ListingRef.All } ? [ListingRef.Home] : new[] { ListingRef.Home, section })
        {
            var title = listing.FeedTitle(Site.Name);
            feeds.Add(new(FeedLinkView.RssType, title + " (RSS)", Site.AbsoluteUrl(listing.RssPath)));
            feeds.Add(new(FeedLinkView.AtomType, title + " (Atom)", Site.AbsoluteUrl(listing.AtomPath)));
        }
        var shown = known.ToList();
        // A page's own section is listed even before its first article's listing rows exist.
        if (section is { Kind: ListingRef.SectionKind } && !shown.Exists(s => s.Slug == section.Slug))
        {
            shown = SectionIndex.Ordered(shown.Append(new(section.Slug, section.Name)));
        }
        return page with
        {
            Sections = shown.Select(s => new LinkView(s.Name, "/" + s.Slug + "/")).ToArray(),
            Feeds = feeds,
        };
    }

    /// <summary>The sections as the scope knows them: its snapshot's, or the sections head read once per scope.</summary>
    public async Task<IReadOnlyList<SectionName>> SectionsAsync(RenderScope scope, CancellationToken ct) =>
        scope.Snapshot is { } snapshot
            ? snapshot.Sections
            : await scope.SharedAsync("sections", async () => await sections.ListAsync(await heads.HeadAsync(ListingHeads.SectionsKey, scope, ct), ct));
}
