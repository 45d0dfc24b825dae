using Microsoft.Extensions.Logging;
using ServerlessNews.Index;
using ServerlessNews.Publishing;

namespace ServerlessNews.Site;

/// <summary>
/// Keeps the listings and the derived pages in line with each article's stored state: syncs its listing rows, then
/// schedules exactly the outputs whose content changed (the listings and months it entered or left, their feeds, its
/// sitemap month, the news sitemap) and the related-block checks around each position it took or left in a section or
/// tag listing (<see cref="RelatedPages"/>), among them its own page's, now that its rows are committed.
/// </summary>
public sealed partial class SiteLifecycle(ListingIndex listings, SiteRefreshScheduler scheduler, ILogger<SiteLifecycle> logger)
    : IArticleStateObserver
{
    public async Task ArticleChangedAsync(ArticleEntity article, CancellationToken ct)
    {
        var outputs = OutputsFor(await listings.SyncAsync(article, ct));
        await scheduler.ScheduleAsync(outputs, ct);
        LogScheduled(article.PartitionKey, article.Revision, outputs.Count);
    }

    public static List<SiteOutput> OutputsFor(IEnumerable<ListingTouch> touched)
    {
        var outputs = new List<SiteOutput>();
        foreach (var t in touched)
        {
            if (ListingRef.Parse(t.ListingKey) is not { } listing)
            {
                continue; // every key a sync returns is a listing's
            }
            outputs.Add(new SiteOutput.Front(listing));
            outputs.Add(new SiteOutput.Month(listing, t.Month));
            outputs.Add(new SiteOutput.Feed(listing));
            if (listing.Kind == ListingRef.All)
            {
                outputs.Add(new SiteOutput.Sitemap(t.Month));
                outputs.Add(new SiteOutput.NewsSitemap());
            }
            if (listing.Kind is ListingRef.SectionKind or ListingRef.TagKind)
            {
                outputs.Add(new SiteOutput.Related(listing, t.RowKey));
            }
        }
        return outputs.DistinctBy(o => o.Key, StringComparer.Ordinal).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {ArticleId} revision {Revision}: scheduled {Outputs} site outputs")]
    private partial void LogScheduled(string articleId, long revision, int outputs);
}
