using ServerlessNews.Functions;

namespace ServerlessNews.DevServer;

/// <summary>
/// The Functions app's timer function (<see cref="ArticleFunctions.MaintainSite"/>) every five minutes, on the five
/// minutes, as its NCRONTAB schedule runs it. A hosted service rather than a WebJobs timer trigger: the WebJobs
/// timer extension served (3.0.6) needs a lock type the storage host package (5.x) no longer has, and the DevServer
/// is one instance, so it needs no lock.
/// </summary>
internal sealed partial class SiteMaintenanceTimer(IServiceProvider services, TimeProvider time, ILogger<SiteMaintenanceTimer> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            await Task.Delay(TimeSpan.FromTicks(Every.Ticks - now.UtcTicks % Every.Ticks), time, stoppingToken);
            try
            {
                await services.GetRequiredService<ArticleFunctions>().MaintainSite(new Microsoft.Azure.Functions.Worker.TimerInfo(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e); // each run is idempotent: the next one makes up for it
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The site's maintenance failed; the next run in five minutes tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
