using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServerlessNews.Site;

/// <summary>
/// When a host that runs the refresh trigger starts, it queues again every output still waiting for a refresh. A
/// host that was killed may hold those outputs' messages for the queue's ten-minute lease, and a change meanwhile only
/// touches their markers; without this a restarted site would show stale fronts until the lease or the timer. A
/// refresh that turns out to be a duplicate renders the same files again, which is harmless. Best effort: the timer
/// makes up for a start that could not reach storage.
/// </summary>
public sealed partial class RefreshRecoveryAtStart(SiteRefreshScheduler scheduler, ILogger<RefreshRecoveryAtStart> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await scheduler.RequeuePendingAsync(TimeSpan.Zero, cancellationToken) is var requeued and > 0)
            {
                LogRequeued(requeued);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued again {Outputs} outputs that were waiting for a refresh when this host started")]
    private partial void LogRequeued(int outputs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue again the outputs waiting for a refresh at start; the site's timer will")]
    private partial void LogFailed(Exception exception);
}
