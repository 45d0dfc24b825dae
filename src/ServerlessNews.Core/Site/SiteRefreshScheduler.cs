using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// Coalesces refresh work: an output is queued once while a marker for it is pending, with a short delay,
/// so a burst of publishes into one section renders that section page once or twice, not once per publish.
/// </summary>
public sealed class SiteRefreshScheduler(QueueServiceClient queues, RefreshMarkers markers, IOptions<RefreshOptions> options)
{
    private readonly QueueClient _refresh = queues.GetQueueClient(StorageNames.RefreshQueue);

    public async Task ScheduleAsync(IEnumerable<SiteOutput> outputs, CancellationToken ct) =>
        await Task.WhenAll(outputs.Select(o => o.Key).Distinct(StringComparer.Ordinal).Select(async key =>
        {
            if (await markers.TryMarkAsync(key, options.Value.StaleMarkerAfter, ct))
            {
                await _refresh.SendMessageAsync(key, visibilityTimeout: options.Value.Delay, cancellationToken: ct);
            }
        }));
}
