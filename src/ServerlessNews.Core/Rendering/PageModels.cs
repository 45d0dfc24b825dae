namespace ServerlessNews.Rendering;

/// <summary>What the Liquid templates see (snake_case in templates: <c>article.published_iso</c>).</summary>
public sealed record SiteView(string Name, string BaseUrl, string Language)
{
    public BrandView Brand { get; init; } = new("/logo.svg", null, null, "/favicon.svg", "image/svg+xml", []);
}

/// <summary>The brand settings as the layout shows them (<c>site.brand.logo_url</c>).</summary>
public sealed record BrandView(string LogoUrl, int? LogoWidth, int? LogoHeight, string FaviconUrl, string FaviconType, IReadOnlyList<LinkView> FooterLinks);

public sealed record LinkView(string Name, string Url);

public sealed record MetaTag(string Attribute, string Key, string Content);

/// <param name="Html">The whole <c>&lt;figure&gt;</c>, with renditions when there are any (see <see cref="Images.FigureMarkup"/>).</param>
public sealed record ImageView(string Url, string Alt, string? Caption = null, string? Credit = null, string Html = "");

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

/// <param name="CanonicalUrl">None on a page that asks not to be indexed (the 404 page, a removal notice).</param>
public sealed record PageView(
    string Title,
    string Description,
    string? CanonicalUrl,
    IReadOnlyList<MetaTag> Meta,
    string? JsonLd)
{
    /// <summary>The site's sections, for the navigation every page shows.</summary>
    public IReadOnlyList<LinkView> Sections { get; init; } = [];

    public IReadOnlyList<FeedLinkView> Feeds { get; init; } = [];

    /// <summary>A schema.org BreadcrumbList (home → section → article), in a script of its own beside <see cref="JsonLd"/>.</summary>
    public string? BreadcrumbJsonLd { get; init; }
}
