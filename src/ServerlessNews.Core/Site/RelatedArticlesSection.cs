using Fluid;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>
/// "Related Articles": the newest articles of the same section and of each shared tag (a point read of each
/// listing's head row), never the article itself; killed and embargoed articles are in no listing. Which
/// pages show which articles is recorded, so a kill can re-render exactly those pages, and stored with each
/// page (its metadata), so a rebuild knows what is recorded without reading the records.
/// </summary>
public sealed class RelatedArticlesSection(
    ListingIndex listings, PageListingHeads heads, RelatedArticleRecords records, IOptions<RefreshOptions> options) : IArticlePageSection
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
                await records.RecordAsync(a.Id, relatedIds, ct);
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
        return Task.WhenAll(PageListingHeads.CandidateKeys(document).Select(k => scope.SharedAsync("top|" + k,
            async () => await listings.NewestAsync(k, count, await heads.HeadAsync(k, scope, ct), ct))));
    }
}
