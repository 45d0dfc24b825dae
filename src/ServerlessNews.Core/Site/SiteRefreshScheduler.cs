using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// Coalesces refresh work: an output is queued once while a marker for it is pending, with a short delay,
/// so a burst of publishes into one section renders that section page once or twice, not once per publish
/// (the protocol: <see cref="RefreshMarkers"/>).
/// </summary>
public sealed class SiteRefreshScheduler(QueueServiceClient queues, RefreshMarkers markers, IOptions<RefreshOptions> options)
{
    private readonly QueueClient _refresh = queues.GetQueueClient(StorageNames.RefreshQueue);

    public async Task ScheduleAsync(IEnumerable<SiteOutput> outputs, CancellationToken ct) =>
        await Task.WhenAll(outputs.Select(o => o.Key).Distinct(StringComparer.Ordinal).Select(async key =>
        {
            if (await markers.TryMarkAsync(key, options.Value.StaleMarkerAfter, ct))
            {
                await SendAsync(key, options.Value.Delay, ct);
            }
        }));

    /// <summary>Queues an output's refresh again, its marker kept: a render found that it changed meanwhile.</summary>
    public async Task RequeueAsync(string outputKey, CancellationToken ct)
    {
        await markers.MarkQueuedAsync(outputKey, ct);
        await SendAsync(outputKey, options.Value.Delay, ct);
    }

    /// <summary>
    /// Queues again every output whose marker was queued (or claimed) at least <paramref name="staleAfter"/> ago, and
    /// returns how many: their messages were lost, or are held by a host that died.
    /// </summary>
    public async Task<int> RequeuePendingAsync(TimeSpan staleAfter, CancellationToken ct)
    {
        var pending = new List<string>();
        await foreach (var key in markers.StaleAsync(staleAfter, ct))
        {
            pending.Add(key);
        }
        foreach (var key in pending)
        {
            await RequeueAsync(key, ct);
        }
        return pending.Count;
    }

    /// <summary>Sends a message to the refresh queue (an output's key, or a step of a sweep).</summary>
    public async Task SendAsync(string message, TimeSpan delay, CancellationToken ct) =>
        await _refresh.SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: ct);
}
