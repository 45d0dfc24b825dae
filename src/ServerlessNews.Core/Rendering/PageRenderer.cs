using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Fluid;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;

namespace ServerlessNews.Rendering;

/// <summary>
/// Renders pages: the page's own template, then the shared <c>layout.liquid</c> around it. Every value
/// is HTML-encoded by Fluid unless a template asks for <c>raw</c>, which only pre-sanitized HTML and the
/// JSON-LD (JSON-escaped for a script element) do.
/// </summary>
public sealed class PageRenderer(
    TemplateStore templates, BodyRenderer bodies, IOptions<SiteOptions> siteOptions, IEnumerable<IArticlePageSection> sections)
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

    public SiteView SiteView => new(Site.Name, Site.BaseUrl.TrimEnd('/'), Site.Language);

    public Task<string> RenderArticleAsync(ArticleDocument document, CancellationToken ct) =>
        RenderArticleAsync(document, RenderScope.ForOnePage(), ct);

    /// <summary>Starts the reads an article page will make, in <paramref name="scope"/>, ahead of its render.</summary>
    public Task PrefetchArticleAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        Task.WhenAll(_sections.Select(section => section.PrefetchAsync(document, scope, ct)));

    public async Task<string> RenderArticleAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        var article = ToView(document);
        var page = new PageView(
            Title: $"{article.Headline} | {Site.Name}",
            Description: document.Article.Summary ?? article.Headline,
            CanonicalUrl: article.CanonicalUrl,
            Meta: ArticleMeta(document.Article, article),
            JsonLd: NewsArticleJsonLd(document.Article, article));
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

    /// <summary>Renders any other page (listings, notices) in the shared layout, with the given template variables.</summary>
    public async Task<string> RenderPageAsync(string templateName, PageView page, IReadOnlyDictionary<string, object?> values, CancellationToken ct)
    {
        TemplateContext Context()
        {
            var context = NewContext(page);
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

    public ArticleView ToView(ArticleDocument document)
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
            Image: a.Image is { } i ? new ImageView(i.Url, i.Alt) : null,
            BodyHtml: bodies.Render(a.Body, a.Dateline),
            Corrections: a.Corrections.Select(c => new CorrectionView(Iso(c.At), Display(c.At), c.Text)).ToArray(),
            Url: document.Path,
            CanonicalUrl: Site.AbsoluteUrl(document.Path));
    }

    public static string Iso(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Display(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private List<MetaTag> ArticleMeta(ArticleSubmission a, ArticleView view)
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
        if (a.Image is not null)
        {
            meta.Add(new("property", "og:image", a.Image.Url));
            meta.Add(new("property", "og:image:alt", a.Image.Alt));
        }
        meta.Add(new("name", "twitter:card", a.Image is null ? "summary" : "summary_large_image"));
        meta.Add(new("name", "twitter:title", a.Headline));
        meta.Add(new("name", "twitter:description", description));
        if (a.Image is not null)
        {
            meta.Add(new("name", "twitter:image", a.Image.Url));
            meta.Add(new("name", "twitter:image:alt", a.Image.Alt));
        }
        return meta;
    }

    /// <summary>
    /// schema.org NewsArticle. System.Text.Json's default encoder escapes &lt;, &gt; and &amp;, so no
    /// string in it can close the script element it is embedded in.
    /// </summary>
    private string NewsArticleJsonLd(ArticleSubmission a, ArticleView view)
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
            ["publisher"] = new JsonObject { ["@type"] = "Organization", ["name"] = Site.Name, ["url"] = Site.AbsoluteUrl("/") },
        };
        if (a.Dateline is not null)
        {
            json["dateline"] = a.Dateline;
        }
        if (a.Tags.Count > 0)
        {
            json["keywords"] = new JsonArray(a.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        }
        if (a.Image is not null)
        {
            json["image"] = new JsonArray(JsonValue.Create(a.Image.Url));
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
}

/// <summary>Public paths of the site's listing pages.</summary>
public static class SitePaths
{
    public static string Section(string section) => $"/{Slug.ForSection(section)}/";
    public static string Tag(string tag) => $"/tag/{Slug.From(tag)}/";
    public static string Author(string author) => $"/author/{Slug.From(author)}/";
}
