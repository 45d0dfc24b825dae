using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// Coalesces refresh work: an output is queued once while a marker for it is pending, with a short delay,
/// so a burst of publishes into one section renders that section page once or twice, not once per publish.
/// </summary>
public sealed class SiteRefreshScheduler(QueueServiceClient queues, ListingIndex listings, IOptions<RefreshOptions> options)
{
    private readonly QueueClient _refresh = queues.GetQueueClient(StorageNames.RefreshQueue);

    public async Task ScheduleAsync(IEnumerable<string> outputKeys, CancellationToken ct) =>
        await Task.WhenAll(outputKeys.Distinct(StringComparer.Ordinal).Select(async key =>
        {
            if (await listings.TryMarkDirtyAsync(key, options.Value.StaleMarkerAfter, ct))
            {
                await _refresh.SendMessageAsync(key, visibilityTimeout: options.Value.Delay, cancellationToken: ct);
            }
        }));
}

/// <summary>
/// Handles one <c>refresh</c> message: clears the output's marker first (a publish during the render marks
/// it again and queues another refresh, so nothing is missed), then renders it from the listings table.
/// Rendering is a pure function of the table, so a re-delivered or duplicate message is harmless.
/// Exceptions escape: the host retries, then poison-queues.
/// </summary>
public sealed partial class SiteRefresher(
    ListingIndex listings, SitePages pages, FeedWriter feeds, SitemapWriter sitemaps, Publisher publisher, ILogger<SiteRefresher> logger)
{
    private readonly ConcurrentDictionary<string, int> _renders = new(StringComparer.Ordinal);

    /// <summary>How many times this instance rendered an output: what the coalescing is measured by.</summary>
    public int RenderCount(string outputKey) => _renders.GetValueOrDefault(outputKey);

    public async Task HandleAsync(string outputKey, CancellationToken ct)
    {
        await listings.ClearDirtyAsync(outputKey, ct);
        if (!await RenderAsync(outputKey, ct))
        {
            LogUnknownOutput(outputKey);
            return; // a message that names no output can never succeed: drop it
        }
        _renders.AddOrUpdate(outputKey, 1, (_, n) => n + 1);
        LogRendered(outputKey);
    }

    private async Task<bool> RenderAsync(string key, CancellationToken ct)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        var kind = bar < 0 ? key : key[..bar];
        var rest = bar < 0 ? "" : key[(bar + 1)..];
        switch (kind)
        {
            case "front" when ListingRef.Parse(rest) is { } listing:
                await pages.WriteFrontAsync(listing, ct);
                if (listing.Kind == ListingRef.All)
                {
                    await sitemaps.WriteRobotsAsync(ct);
                }
                return true;
            case "month" when rest.Length > 8 && rest[7] == '|' && Months.TryParse(rest[..7], out _) && ListingRef.Parse(rest[8..]) is { } listing:
                await pages.WriteMonthAsync(listing, rest[..7], ct);
                return true;
            case "feed" when ListingRef.Parse(rest) is { HasFeed: true } listing:
                await feeds.WriteAsync(listing, ct);
                return true;
            case "sitemap" when Months.TryParse(rest, out _):
                await sitemaps.WriteMonthAsync(rest, ct);
                return true;
            case SiteOutputs.NewsSitemap when rest.Length == 0:
                await sitemaps.WriteNewsAsync(ct);
                return true;
            case "article" when Articles.SubmissionParser.IsValidArticleId(rest):
                await publisher.RerenderAsync(rest, ct);
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed {Output}")]
    private partial void LogRendered(string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a refresh message for unknown output {Output}")]
    private partial void LogUnknownOutput(string output);
}

/// <summary>
/// Keeps the listings and the derived pages in line with each article's stored state: syncs its listing
/// rows, then schedules exactly the outputs whose content changed (the listings and months it entered or
/// left, their feeds, its sitemap month, the news sitemap) and, after a kill, the pages that showed it as related.
/// </summary>
public sealed partial class SiteLifecycle(
    ListingIndex listings, SiteRefreshScheduler scheduler, SitePages pages, BlobServiceClient blobs, ILogger<SiteLifecycle> logger)
    : IArticleStateObserver
{
    public async Task ArticleChangedAsync(ArticleEntity article, CancellationToken ct)
    {
        var touched = await listings.SyncAsync(article, ct);
        var outputs = OutputsFor(touched);
        if (article.State == ArticleStates.Killed)
        {
            if (article.Path.Length > 0)
            {
                await WriteRemovedNoticeAsync(article, ct);
            }
            outputs.AddRange((await listings.RelatedByAsync(article.PartitionKey, ct)).Select(SiteOutputs.Article));
        }
        await scheduler.ScheduleAsync(outputs, ct);
        LogScheduled(article.PartitionKey, article.Revision, outputs.Count);
    }

    public static List<string> OutputsFor(IEnumerable<ListingTouch> touched)
    {
        var outputs = new List<string>();
        foreach (var t in touched)
        {
            outputs.Add(SiteOutputs.Front(t.ListingKey));
            outputs.Add(SiteOutputs.Month(t.ListingKey, t.Month));
            if (ListingRef.Parse(t.ListingKey) is { HasFeed: true })
            {
                outputs.Add(SiteOutputs.Feed(t.ListingKey));
            }
            if (t.ListingKey == ListingRef.All)
            {
                outputs.Add(SiteOutputs.Sitemap(t.Month));
                outputs.Add(SiteOutputs.NewsSitemap);
            }
        }
        return outputs.Distinct(StringComparer.Ordinal).ToList();
    }

    private async Task WriteRemovedNoticeAsync(ArticleEntity article, CancellationToken ct)
    {
        var html = await pages.RenderRemovedAsync(ct);
        var blob = blobs.GetBlobContainerClient(StorageNames.WebContainer).GetBlobClient(Articles.ArticleDocument.PageBlobNameFor(article.Path));
        await RevisionGuard.UploadUnlessNewerAsync(blob, BinaryData.FromString(html), SitePages.HtmlType, article.Revision, ct, Publisher.PageCacheControl);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {ArticleId} revision {Revision}: scheduled {Outputs} site outputs")]
    private partial void LogScheduled(string articleId, long revision, int outputs);
}
