using Microsoft.Extensions.Options;
using ServerlessNews.Index;

namespace ServerlessNews.Rendering;

/// <summary>The section navigation and the feed links every page carries, from the sections head.</summary>
public sealed class PageNavigation(SectionIndex sections, PageListingHeads heads, IOptions<SiteOptions> site)
{
    private SiteOptions Site => site.Value;

    public async Task<PageView> DecorateAsync(PageView page, ListingRef? section, CancellationToken ct, RenderScope? scope = null)
    {
        var known = scope is not null
            ? [.. await SectionsAsync(scope, ct)] // a copy: this page may add its own
            : await sections.ListAsync(ct);
        var feeds = new List<FeedLinkView>
        {
            new(FeedLinkView.RssType, $"{Site.Name} (RSS)", Site.AbsoluteUrl(ListingRef.Home.RssPath)),
            new(FeedLinkView.AtomType, $"{Site.Name} (Atom)", Site.AbsoluteUrl(ListingRef.Home.AtomPath)),
        };
        if (section is { Kind: ListingRef.SectionKind })
        {
            feeds.Add(new(FeedLinkView.RssType, $"{Site.Name}: {section.Name} (RSS)", Site.AbsoluteUrl(section.RssPath)));
            feeds.Add(new(FeedLinkView.AtomType, $"{Site.Name}: {section.Name} (Atom)", Site.AbsoluteUrl(section.AtomPath)));
        }
        // A page's own section is listed even before its first article's listing rows exist.
        if (section is { Kind: ListingRef.SectionKind } && !known.Exists(s => s.Slug == section.Slug))
        {
            known.Add(new(section.Slug, section.Name));
            known.Sort((x, y) => StringComparer.OrdinalIgnoreCase.Compare(x.Name, y.Name));
        }
        return page with
        {
            Sections = known.Select(s => new LinkView(s.Name, "/" + s.Slug + "/")).ToArray(),
            Feeds = feeds,
        };
    }

    public Task<List<SectionName>> SectionsAsync(RenderScope scope, CancellationToken ct) =>
        scope.SharedAsync("sections", async () => await sections.ListAsync(await heads.HeadAsync(ListingHeads.SectionsKey, scope, ct), ct));
}
