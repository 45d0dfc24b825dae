using Fluid;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>The section navigation and the feed links every page carries, from the small "sections" partition.</summary>
public sealed class SiteNavigation(ListingIndex listings, PageHeads heads, IOptions<SiteOptions> site)
{
    private SiteOptions Site => site.Value;

    public async Task<PageView> DecorateAsync(PageView page, ListingRef? section, CancellationToken ct, RenderScope? scope = null)
    {
        var sections = scope is not null
            ? [.. await SectionsAsync(scope, ct)] // a copy: this page may add its own
            : await listings.SectionsAsync(ct);
        var feeds = new List<FeedLinkView>
        {
            new(FeedWriter.RssType, $"{Site.Name} (RSS)", Site.AbsoluteUrl(FeedWriter.RssPath(ListingRef.Home))),
            new(FeedWriter.AtomType, $"{Site.Name} (Atom)", Site.AbsoluteUrl(FeedWriter.AtomPath(ListingRef.Home))),
        };
        if (section is { Kind: ListingRef.SectionKind })
        {
            feeds.Add(new(FeedWriter.RssType, $"{Site.Name}: {section.Name} (RSS)", Site.AbsoluteUrl(FeedWriter.RssPath(section))));
            feeds.Add(new(FeedWriter.AtomType, $"{Site.Name}: {section.Name} (Atom)", Site.AbsoluteUrl(FeedWriter.AtomPath(section))));
        }
        // A page's own section is listed even before its first article's listing rows exist.
        if (section is { Kind: ListingRef.SectionKind } && !sections.Exists(s => s.Slug == section.Slug))
        {
            sections.Add((section.Slug, section.Name));
            sections.Sort((x, y) => StringComparer.OrdinalIgnoreCase.Compare(x.Name, y.Name));
        }
        return page with
        {
            Sections = sections.Select(s => new LinkView(s.Name, "/" + s.Slug + "/")).ToArray(),
            Feeds = feeds,
        };
    }

    public Task<List<(string Slug, string Name)>> SectionsAsync(RenderScope scope, CancellationToken ct) =>
        scope.SharedAsync("sections", async () => await listings.SectionsAsync(await heads.HeadAsync(ListingIndex.SectionsHeadKey, scope, ct), ct));
}

/// <summary>Gives article pages the same navigation and feed links as every other page.</summary>
public sealed class SectionNavigationSection(SiteNavigation navigation, PageHeads heads) : IArticlePageSection
{
    public async Task<Action<TemplateContext>> PrepareAsync(ArticleDocument document, PageView page, RenderScope scope, CancellationToken ct)
    {
        heads.Prefetch(document, scope, ct);
        var decorated = await navigation.DecorateAsync(page, ListingRef.Section(document.Article.Section), ct, scope);
        return context => context.SetValue("page", decorated);
    }

    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        heads.Prefetch(document, scope, ct);
        return navigation.SectionsAsync(scope, ct);
    }
}

/// <summary>
/// "Related Articles": the newest articles of the same section and of each shared tag (a point read of each
/// listing's head row), never the article itself; killed and embargoed articles are in no listing. Which
/// pages show which articles is recorded, so a kill can re-render exactly those pages, and stored with each
/// page (its metadata), so a rebuild knows what is recorded without reading the records.
/// </summary>
public sealed class RelatedArticlesSection(ListingIndex listings, PageHeads heads, IOptions<RefreshOptions> options) : IArticlePageSection
{
    public async Task<Action<TemplateContext>> PrepareAsync(ArticleDocument document, PageView page, RenderScope scope, CancellationToken ct)
    {
        if (scope.Provisional)
        {
            // Shown from the render that follows: listings read a moment ago may still show an article killed since.
            return _ => { };
        }
        var a = document.Article;
        var count = options.Value.RelatedCount;
        var candidates = await CandidatesAsync(document, scope, ct);
        var related = candidates.SelectMany(rows => rows)
            .Where(r => r.ArticleId != a.Id)
            .OrderBy(r => r.RowKey, StringComparer.Ordinal)
            .DistinctBy(r => r.ArticleId)
            .Take(count)
            .ToList();
        // Recorded before the page is written, so that a kill always finds every page that shows the article: here
        // for a single page, while the other sections read; a batch's writer records what the stored page lacks.
        var relatedIds = related.Select(r => r.ArticleId).ToArray();
        if (scope.RecordsRelated)
        {
            if (!scope.IsBatch)
            {
                await listings.RecordRelatedAsync(a.Id, relatedIds, ct);
            }
            scope.ShowsRelated(document.PageBlobName, relatedIds);
        }
        var items = related.Select(SitePages.ToItem).ToArray();
        return context => context.SetValue("related", items);
    }

    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        scope.Provisional ? Task.CompletedTask : CandidatesAsync(document, scope, ct);

    /// <summary>The head of the article's section and of each of its first tags.</summary>
    private Task<List<ListingEntity>[]> CandidatesAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        var count = options.Value.RelatedCount + 1;
        heads.Prefetch(document, scope, ct);
        return Task.WhenAll(PageHeads.CandidateKeys(document).Select(k => scope.SharedAsync("top|" + k,
            async () => await listings.NewestAsync(k, count, await heads.HeadAsync(k, scope, ct), ct))));
    }
}
