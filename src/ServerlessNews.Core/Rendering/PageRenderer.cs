using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Fluid;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Images;

namespace ServerlessNews.Rendering;

/// <summary>
/// Renders pages: the page's own template, then the shared <c>layout.liquid</c> around it. Every value
/// is HTML-encoded by Fluid unless a template asks for <c>raw</c>, which only pre-sanitized HTML and the
/// JSON-LD (JSON-escaped for a script element) do.
/// </summary>
public sealed class PageRenderer(
    TemplateStore templates,
    BodyRenderer bodies,
    ImageResolver images,
    IOptions<SiteOptions> siteOptions,
    IOptions<BrandOptions> brandOptions,
    IEnumerable<IArticlePageSection> sections)
{
    private static readonly TemplateOptions TemplateOptionsHolder = CreateOptions();

    /// <summary>
    /// Statements one page's render may run: loops in a theme override cannot pin a CPU. The default theme runs a few
    /// dozen per comment or listed article, far below it.
    /// </summary>
    public const int MaxTemplateSteps = 1_000_000;

    /// <summary>Shared by every page template; sections register the view types they add.</summary>
    public static TemplateOptions Options => TemplateOptionsHolder;

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions { MaxSteps = MaxTemplateSteps };
        options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.SnakeCase;
        options.MemberAccessStrategy.Register<SiteView>();
        options.MemberAccessStrategy.Register<BrandView>();
        options.MemberAccessStrategy.Register<LinkView>();
        options.MemberAccessStrategy.Register<MetaTag>();
        options.MemberAccessStrategy.Register<ImageView>();
        options.MemberAccessStrategy.Register<CorrectionView>();
        options.MemberAccessStrategy.Register<ArticleView>();
        options.MemberAccessStrategy.Register<PageView>();
        options.MemberAccessStrategy.Register<FeedLinkView>();
        return options;
    }

    private readonly IArticlePageSection[] _sections = sections.ToArray();

    private SiteOptions Site => siteOptions.Value;

    private BrandOptions Brand => brandOptions.Value;

    private SiteView? _siteView;

    public SiteView SiteView => _siteView ??= new(Site.Name, Site.BaseUrl.TrimEnd('/'), Site.Language)
    {
        Brand = new BrandView(
            Brand.Logo,
            Brand.LogoSize(Site.Name)?.Width,
            Brand.LogoSize(Site.Name)?.Height,
            Brand.Favicon,
            Path.GetExtension(Brand.Favicon).ToLowerInvariant() switch { ".svg" => "image/svg+xml", ".png" => "image/png", _ => "image/x-icon" },
            Brand.FooterLinks.Select(l => new LinkView(l.Text, l.Url)).ToArray()),
    };

    public Task<string> RenderArticleAsync(ArticleDocument document, CancellationToken ct) =>
        RenderArticleAsync(document, RenderScope.ForOnePage(), ct);

    /// <summary>Starts the reads an article page will make, in <paramref name="scope"/>, ahead of its render.</summary>
    public Task PrefetchArticleAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        Task.WhenAll(_sections.Select(section => section.PrefetchAsync(document, scope, ct)).Append(images.PrefetchAsync(document, scope, ct)));

    public async Task<string> RenderArticleAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        var resolved = await images.ResolveAsync(document, scope, ct);
        var article = ToView(document, resolved);
        var share = ShareImageOf(document.Article.Image, resolved);
        var page = new PageView(
            Title: $"{article.Headline} | {Site.Name}",
            Description: document.Article.Summary ?? article.Headline,
            CanonicalUrl: article.CanonicalUrl,
            Meta: ArticleMeta(document.Article, article, share),
            JsonLd: NewsArticleJsonLd(document.Article, article, resolved, share))
        {
            BreadcrumbJsonLd = BreadcrumbJsonLd(article),
        };
        var applies = await Task.WhenAll(_sections.Select(section => section.PrepareAsync(document, page, scope, ct)));
        TemplateContext Context()
        {
            var context = NewContext(page);
            context.SetValue("article", article);
            foreach (var apply in applies)
            {
                apply(context);
            }
            return context;
        }
        return await RenderInLayoutAsync("article.liquid", Context, ct);
    }

    /// <summary>
    /// Renders any other page (listings, notices) in the shared layout, with the given template variables. Every
    /// page gets a sharing image (the brand's default) and card; a page that asks not to be indexed names no
    /// canonical URL: pointing a missing page's canonical at the home page would declare it a copy of it.
    /// </summary>
    public async Task<string> RenderPageAsync(string templateName, PageView page, IReadOnlyDictionary<string, object?> values, CancellationToken ct)
    {
        var noindex = page.Meta.Any(m => m.Key == "robots" && m.Content.Contains("noindex", StringComparison.OrdinalIgnoreCase));
        var shown = page with { CanonicalUrl = noindex ? null : page.CanonicalUrl, Meta = WithSharing(page.Meta) };
        TemplateContext Context()
        {
            var context = NewContext(shown);
            foreach (var (name, value) in values)
            {
                context.SetValue(name, value);
            }
            return context;
        }
        return await RenderInLayoutAsync(templateName, Context, ct);
    }

    private TemplateContext NewContext(PageView page)
    {
        var context = new TemplateContext(Options);
        context.SetValue("site", SiteView);
        context.SetValue("page", page);
        return context;
    }

    /// <param name="newContext">A fresh context: an override that fails is set aside and the page rendered again from scratch.</param>
    private async Task<string> RenderInLayoutAsync(string templateName, Func<TemplateContext> newContext, CancellationToken ct)
    {
        while (true)
        {
            var context = newContext();
            var (name, template) = (templateName, await templates.GetAsync(templateName, ct));
            try
            {
                var content = await template.RenderAsync(context, HtmlEncoder.Default);
                context.SetValue("content", content);
                (name, template) = ("layout.liquid", await templates.GetAsync("layout.liquid", ct));
                return await template.RenderAsync(context, HtmlEncoder.Default);
            }
            catch (Exception e) when (e is not OperationCanceledException && templates.FallBack(name, template, e))
            {
                // Rendered again with the default theme's template in place of the override that failed.
            }
        }
    }

    public ArticleView ToView(ArticleDocument document) => ToView(document, ResolvedImages.None);

    public ArticleView ToView(ArticleDocument document, ResolvedImages resolved)
    {
        var a = document.Article;
        return new ArticleView(
            Id: a.Id,
            Headline: a.Headline,
            Kicker: a.Kicker,
            Section: new LinkView(a.Section, SitePaths.Section(a.Section)),
            Authors: a.Authors.Select(name => new LinkView(name, SitePaths.Author(name))).ToArray(),
            Dateline: a.Dateline,
            PublishedIso: Iso(a.PublishedAt),
            PublishedDisplay: Display(a.PublishedAt),
            UpdatedIso: a.UpdatedAt is { } u ? Iso(u) : null,
            UpdatedDisplay: a.UpdatedAt is { } d ? Display(d) : null,
            Summary: a.Summary,
            Tags: a.Tags.Select(tag => new LinkView(tag, SitePaths.Tag(tag))).ToArray(),
            Image: a.Image is { } i
                ? new ImageView(i.Url, i.Alt, i.Caption, i.Credit, FigureMarkup.Render(i.Url, i.Alt, i.Caption, i.Credit, resolved, lead: true))
                : null,
            BodyHtml: bodies.Render(a.Body, a.Dateline, resolved),
            Corrections: a.Corrections.Select(c => new CorrectionView(Iso(c.At), Display(c.At), c.Text)).ToArray(),
            Url: document.Path,
            CanonicalUrl: Site.AbsoluteUrl(document.Path));
    }

    public static string Iso(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Display(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The image a page is shared with: absolute URL, size when known, whether it is the article's own.</summary>
    private sealed record ShareImage(string Url, int? Width, int? Height, string Alt, bool Own)
    {
        /// <summary>Social networks show a large card for a wide image and a thumbnail for a square one.</summary>
        public string Card => Own || (Width is { } w && Height is { } h && w >= 1.5 * h) ? "summary_large_image" : "summary";
    }

    private ShareImage ShareImageOf(ArticleImage? image, ResolvedImages resolved)
    {
        if (image is null)
        {
            return DefaultShareImage;
        }
        if (!ImageReference.TryParseUploaded(image.Url, out var name))
        {
            return new(image.Url, null, null, image.Alt, Own: true);
        }
        // The 16:9 crop is what large cards show; an upload without renditions yet is shared at its original URL.
        return resolved.Manifest(name)?.Crop("16x9") is { } crop
            ? new(Site.AbsoluteUrl(crop.Path), crop.Width, crop.Height, image.Alt, Own: true)
            : new(Site.AbsoluteUrl(ImageReference.OriginalPath(name)), null, null, image.Alt, Own: true);
    }

    private ShareImage? _defaultShareImage;

    private ShareImage DefaultShareImage => _defaultShareImage ??= new(
        AbsoluteOrSite(Brand.SocialImage), Brand.SocialImageSize?.Width, Brand.SocialImageSize?.Height, Site.Name, Own: false);

    private string AbsoluteOrSite(string url) => url.StartsWith('/') ? Site.AbsoluteUrl(url) : url;

    private static void AddImageMeta(List<MetaTag> meta, ShareImage image)
    {
        meta.Add(new("property", "og:image", image.Url));
        if (image.Width is { } width && image.Height is { } height)
        {
            meta.Add(new("property", "og:image:width", width.ToString(CultureInfo.InvariantCulture)));
            meta.Add(new("property", "og:image:height", height.ToString(CultureInfo.InvariantCulture)));
        }
        meta.Add(new("property", "og:image:alt", image.Alt));
    }

    /// <summary>A page's own tags, completed with the default sharing image and its card where the page has none.</summary>
    private List<MetaTag> WithSharing(IReadOnlyList<MetaTag> own)
    {
        var meta = own.Where(m => m.Key != "twitter:card").ToList();
        if (!own.Any(m => m.Key == "og:image"))
        {
            AddImageMeta(meta, DefaultShareImage);
        }
        meta.Add(new("name", "twitter:card", own.Any(m => m.Key == "og:image") ? "summary_large_image" : DefaultShareImage.Card));
        return meta;
    }

    private List<MetaTag> ArticleMeta(ArticleSubmission a, ArticleView view, ShareImage image)
    {
        var description = a.Summary ?? a.Headline;
        var meta = new List<MetaTag>
        {
            new("property", "og:type", "article"),
            new("property", "og:site_name", Site.Name),
            new("property", "og:title", a.Headline),
            new("property", "og:description", description),
            new("property", "og:url", view.CanonicalUrl),
            new("property", "article:published_time", view.PublishedIso),
            new("property", "article:section", a.Section),
        };
        if (view.UpdatedIso is not null)
        {
            meta.Add(new("property", "article:modified_time", view.UpdatedIso));
        }
        meta.AddRange(a.Authors.Select(author => new MetaTag("property", "article:author", author)));
        meta.AddRange(a.Tags.Select(tag => new MetaTag("property", "article:tag", tag)));
        AddImageMeta(meta, image);
        meta.Add(new("name", "twitter:card", image.Card));
        meta.Add(new("name", "twitter:title", a.Headline));
        meta.Add(new("name", "twitter:description", description));
        meta.Add(new("name", "twitter:image", image.Url));
        meta.Add(new("name", "twitter:image:alt", image.Alt));
        return meta;
    }

    /// <summary>
    /// schema.org NewsArticle. System.Text.Json's default encoder escapes &lt;, &gt; and &amp;, so no
    /// string in it can close the script element it is embedded in.
    /// </summary>
    private string NewsArticleJsonLd(ArticleSubmission a, ArticleView view, ResolvedImages resolved, ShareImage share)
    {
        var json = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "NewsArticle",
            ["headline"] = a.Headline,
            ["description"] = a.Summary ?? a.Headline,
            ["url"] = view.CanonicalUrl,
            ["mainEntityOfPage"] = view.CanonicalUrl,
            ["datePublished"] = view.PublishedIso,
            ["dateModified"] = view.UpdatedIso ?? view.PublishedIso,
            ["articleSection"] = a.Section,
            ["inLanguage"] = Site.Language,
            ["author"] = new JsonArray(a.Authors.Select(name => (JsonNode)new JsonObject
            {
                ["@type"] = "Person",
                ["name"] = name,
                ["url"] = Site.AbsoluteUrl(SitePaths.Author(name)),
            }).ToArray()),
            ["publisher"] = PublisherJsonLd(),
            ["image"] = ImageJsonLd(a.Image, resolved, share),
        };
        if (a.Dateline is not null)
        {
            json["dateline"] = a.Dateline;
        }
        if (a.Tags.Count > 0)
        {
            json["keywords"] = new JsonArray(a.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        }
        if (a.Corrections.Count > 0)
        {
            json["correction"] = new JsonArray(a.Corrections.Select(c => (JsonNode)new JsonObject
            {
                ["@type"] = "CorrectionComment",
                ["text"] = c.Text,
                ["datePublished"] = Iso(c.At),
            }).ToArray());
        }
        return json.ToJsonString();
    }

    private JsonObject PublisherJsonLd()
    {
        var logo = new JsonObject { ["@type"] = "ImageObject", ["url"] = AbsoluteOrSite(Brand.Logo) };
        if (Brand.LogoSize(Site.Name) is { } size)
        {
            logo["width"] = size.Width;
            logo["height"] = size.Height;
        }
        return new JsonObject { ["@type"] = "Organization", ["name"] = Site.Name, ["url"] = Site.AbsoluteUrl("/"), ["logo"] = logo };
    }

    /// <summary>
    /// ImageObjects: with renditions, the 16:9, 4:3 and 1:1 crops search engines ask for; otherwise the one
    /// image there is (the article's, or the brand's default when it has none).
    /// </summary>
    private JsonArray ImageJsonLd(ArticleImage? image, ResolvedImages resolved, ShareImage share)
    {
        JsonObject ImageObject(string url, int? width, int? height)
        {
            var item = new JsonObject { ["@type"] = "ImageObject", ["url"] = url };
            if (width is { } w && height is { } h)
            {
                item["width"] = w;
                item["height"] = h;
            }
            if (image?.Caption is { } caption)
            {
                item["caption"] = caption;
            }
            if (image?.Credit is { } credit)
            {
                item["creditText"] = credit;
            }
            return item;
        }
        var manifest = image is not null && ImageReference.TryParseUploaded(image.Url, out var name) ? resolved.Manifest(name) : null;
        return manifest is { Crops.Count: > 0 }
            ? new JsonArray(manifest.Crops.Select(c => (JsonNode)ImageObject(Site.AbsoluteUrl(c.Path), c.Width, c.Height)).ToArray())
            : new JsonArray(ImageObject(share.Url, share.Width, share.Height));
    }

    /// <summary>schema.org BreadcrumbList: home, the article's section, the article.</summary>
    private string BreadcrumbJsonLd(ArticleView view)
    {
        static JsonObject Item(int position, string name, string url) => new()
        {
            ["@type"] = "ListItem",
            ["position"] = position,
            ["name"] = name,
            ["item"] = url,
        };
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "BreadcrumbList",
            ["itemListElement"] = new JsonArray(
                Item(1, Site.Name, Site.AbsoluteUrl("/")),
                Item(2, view.Section.Name, Site.AbsoluteUrl(view.Section.Url)),
                Item(3, view.Headline, view.CanonicalUrl)),
        }.ToJsonString();
    }
}
