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
    RefreshMarkers markers, SitePages pages, FeedWriter feeds, SitemapWriter sitemaps, Publisher publisher, ILogger<SiteRefresher> logger)
{
    private readonly ConcurrentDictionary<string, int> _renders = new(StringComparer.Ordinal);

    /// <summary>How many times this instance rendered an output: what the coalescing is measured by.</summary>
    public int RenderCount(string outputKey) => _renders.GetValueOrDefault(outputKey);

    public async Task HandleAsync(string outputKey, CancellationToken ct)
    {
        await markers.ClearAsync(outputKey, ct);
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
