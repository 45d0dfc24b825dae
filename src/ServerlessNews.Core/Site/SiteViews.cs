using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>An article in a list (listing pages, related articles), as the templates see it.</summary>
public sealed record ListingItemView(
    string Id,
    string Headline,
    string? Summary,
    string Url,
    LinkView Section,
    string Authors,
    string PublishedIso,
    string PublishedDisplay,
    string? UpdatedIso,
    string? UpdatedDisplay);

public sealed record ListingPageView(
    string Heading,
    IReadOnlyList<ListingItemView> Items,
    IReadOnlyList<LinkView> Pager,
    IReadOnlyList<LinkView> Archive);
