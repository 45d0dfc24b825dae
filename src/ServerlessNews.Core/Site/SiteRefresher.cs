using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ServerlessNews.Index;
using ServerlessNews.Publishing;

namespace ServerlessNews.Site;

/// <summary>
/// Handles one <c>refresh</c> message: clears the output's marker first (a publish during the render marks
/// it again and queues another refresh, so nothing is missed), then renders it from the listings table.
/// Rendering is a pure function of the table, so a re-delivered or duplicate message is harmless.
/// Exceptions escape: the host retries, then poison-queues.
/// </summary>
public sealed partial class SiteRefresher(
    RefreshMarkers markers, SitePages pages, FeedWriter feeds, SitemapWriter sitemaps, PublishingPipeline publishing, ILogger<SiteRefresher> logger)
{
    private readonly ConcurrentDictionary<string, int> _renders = new(StringComparer.Ordinal);

    /// <summary>How many times this instance rendered an output: what the coalescing is measured by.</summary>
    public int RenderCount(SiteOutput output) => _renders.GetValueOrDefault(output.Key);

    public async Task HandleAsync(string outputKey, CancellationToken ct)
    {
        await markers.ClearAsync(outputKey, ct);
        if (!SiteOutput.TryParse(outputKey, out var output))
        {
            LogUnknownOutput(outputKey);
            return; // a message that names no output can never succeed: drop it
        }
        await RenderAsync(output, ct);
        _renders.AddOrUpdate(outputKey, 1, (_, n) => n + 1);
        LogRendered(outputKey);
    }

    private async Task RenderAsync(SiteOutput output, CancellationToken ct)
    {
        switch (output)
        {
            case SiteOutput.Front front:
                await pages.WriteFrontAsync(front.Listing, ct);
                if (front.Listing.Kind == ListingRef.All)
                {
                    await sitemaps.WriteRobotsAsync(ct);
                }
                break;
            case SiteOutput.Month month:
                await pages.WriteMonthAsync(month.Listing, month.YearMonth, ct);
                break;
            case SiteOutput.Feed feed:
                await feeds.WriteAsync(feed.Listing, ct);
                break;
            case SiteOutput.Sitemap sitemap:
                await sitemaps.WriteMonthAsync(sitemap.YearMonth, ct);
                break;
            case SiteOutput.NewsSitemap:
                await sitemaps.WriteNewsAsync(ct);
                break;
            case SiteOutput.ArticlePage page:
                await publishing.RerenderAsync(page.ArticleId, ct);
                break;
            default:
                throw new InvalidOperationException($"No renderer for {output}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed {Output}")]
    private partial void LogRendered(string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a refresh message for unknown output {Output}")]
    private partial void LogUnknownOutput(string output);
}
