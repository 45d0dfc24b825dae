using Microsoft.Extensions.Logging;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>
/// After a change at one position of a section or tag listing (an article published, moved, corrected, killed,
/// released from embargo), the pages whose related block it may change: the article there and the
/// <see cref="RefreshOptions.RelatedWindow"/> K nearest on either side, since an article's candidates are its K
/// neighbours either side (<see cref="RelatedArticles"/>). Each page's block is computed from the listings as they are
/// now and compared with the one the page carries (its metadata); only a page whose block differs is rendered again.
/// So one change evaluates at most 2K + 1 pages per listing it touched, and re-renders only those that changed.
/// </summary>
public sealed partial class RelatedPages(
    RelatedArticles related, ListingIndex listings, ArticlePages pages, RefreshMarkers markers, ArticlePageRefresh refresh, ILogger<RelatedPages> logger)
{
    /// <returns>How many pages were rendered again.</returns>
    public async Task<int> RefreshAroundAsync(ListingRef listing, string rowKey, CancellationToken ct)
    {
        // Every read here follows the change that queued this work (its refresh marker protocol).
        var scope = RenderScope.ForRefresh();
        var window = related.WindowAsync(listing.Key, rowKey, scope, ct);
        var own = listings.GetAsync(listing.Key, rowKey, ct);
        var candidates = (await window).ToList();
        if (await own is { } row)
        {
            candidates.Add(row);
        }
        var rendered = 0;
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (page, token) =>
        {
            if (await RefreshIfChangedAsync(page, scope, token))
            {
                Interlocked.Increment(ref rendered);
            }
        });
        LogEvaluated(listing.Key, rowKey, candidates.Count, rendered);
        return rendered;
    }

    private async Task<bool> RefreshIfChangedAsync(ListingEntity page, RenderScope scope, CancellationToken ct)
    {
        // A render of the page already waiting or under way reads after this touch: it shows the change.
        if (await markers.TouchIfPendingAsync(new SiteOutput.ArticlePage(page.ArticleId).Key, ct))
        {
            return false;
        }
        var block = related.BlockAsync(RelatedSubject.Of(page), scope, ct);
        var stored = await pages.StoredAsync(page.Path, ct);
        if (stored is not null && RelatedArticles.Same(ArticlePages.StoredRelated(stored), await block))
        {
            return false;
        }
        await refresh.RefreshAsync(page.ArticleId, ct, scope);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Related blocks around {RowKey} in {Listing}: {Evaluated} pages evaluated, {Rendered} rendered again")]
    private partial void LogEvaluated(string listing, string rowKey, int evaluated, int rendered);
}
