namespace ServerlessNews.Rendering;

/// <summary>What the Liquid templates see (snake_case in templates: <c>article.published_iso</c>).</summary>
public sealed record SiteView(string Name, string BaseUrl, string Language);

public sealed record LinkView(string Name, string Url);

public sealed record MetaTag(string Attribute, string Key, string Content);

public sealed record ImageView(string Url, string Alt);

public sealed record CorrectionView(string AtIso, string AtDisplay, string Text);

public sealed record ArticleView(
    string Id,
    string Headline,
    string? Kicker,
    LinkView Section,
    IReadOnlyList<LinkView> Authors,
    string? Dateline,
    string PublishedIso,
    string PublishedDisplay,
    string? UpdatedIso,
    string? UpdatedDisplay,
    string? Summary,
    IReadOnlyList<LinkView> Tags,
    ImageView? Image,
    string BodyHtml,
    IReadOnlyList<CorrectionView> Corrections,
    string Url,
    string CanonicalUrl);

/// <summary>A feed advertised with <c>&lt;link rel="alternate"&gt;</c>.</summary>
public sealed record FeedLinkView(string Type, string Title, string Url)
{
    public const string RssType = "application/rss+xml";
    public const string AtomType = "application/atom+xml";
}

public sealed record PageView(
    string Title,
    string Description,
    string CanonicalUrl,
    IReadOnlyList<MetaTag> Meta,
    string? JsonLd)
{
    /// <summary>The site's sections, for the navigation every page shows.</summary>
    public IReadOnlyList<LinkView> Sections { get; init; } = [];

    public IReadOnlyList<FeedLinkView> Feeds { get; init; } = [];
}
