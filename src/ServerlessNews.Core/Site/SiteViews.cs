using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>An article in a list (listing pages, related articles), as the templates see it.</summary>
public sealed record ListingItemView(
    string Id,
    string Headline,
    string? Kicker,
    string? Summary,
    string Url,
    LinkView Section,
    string Authors,
    string PublishedIso,
    string PublishedDisplay,
    string? UpdatedIso,
    string? UpdatedDisplay)
{
    /// <summary>The lead story's image or a thumbnail (see <see cref="Images.FigureMarkup.Image"/>); null where the page shows none.</summary>
    public string? Image { get; init; }
}

/// <summary>A page of a listing: a front page, one of its numbered pages or a page of a month archive.</summary>
public sealed record ListingPageView(
    string Heading,
    IReadOnlyList<ListingItemView> Items,
    IReadOnlyList<PagerLinkView> Pager,
    IReadOnlyList<LinkView> Archive)
{
    /// <summary>The first item is the lead story, shown larger with its image (page one of a front).</summary>
    public bool HasLead { get; init; }

    /// <summary>Each item names its section (not on a section's own pages, where they all would).</summary>
    public bool ShowSections { get; init; } = true;

    /// <summary>The home page's blocks: the newest few of each section.</summary>
    public IReadOnlyList<SectionBlockView> Blocks { get; init; } = [];

    /// <summary>The listing's own feeds, linked visibly (the site's are in every page's footer).</summary>
    public IReadOnlyList<FeedLinkView> Feeds { get; init; } = [];
}

/// <summary>A section on the home page: its name, linking to its front, and its newest articles.</summary>
public sealed record SectionBlockView(string Id, LinkView Section, IReadOnlyList<ListingItemView> Items);
