using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>
/// Renders an article's address again now (a comment decision, a related block that changed), through its refresh
/// marker (<see cref="RefreshMarkers"/>): a change that lands while it renders makes it render again, so a render that
/// read too early is never the last one written.
/// </summary>
public sealed class ArticlePageRefresh(PublishingPipeline publishing, RefreshMarkers markers, SiteRefreshScheduler scheduler)
{
    /// <summary>Renders in a row before leaving the rest to the queue (changes keep landing).</summary>
    private const int MaxRounds = 3;

    public async Task RefreshAsync(string articleId, CancellationToken ct, RenderScope? scope = null)
    {
        var key = new SiteOutput.ArticlePage(articleId).Key;
        for (var round = 0; round < MaxRounds; round++)
        {
            var claimed = await markers.ClaimAsync(key, ct);
            await publishing.RerenderAsync(articleId, ct, round == 0 ? scope : null);
            if (await markers.TryReleaseAsync(key, claimed, ct))
            {
                return;
            }
        }
        await scheduler.RequeueAsync(key, ct);
    }
}
