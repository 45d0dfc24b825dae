using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>Renders one derived output (a listing page, feed, sitemap or article page) after publishes marked it.</summary>
public sealed class RefreshPages(SiteRefresher refresher)
{
    [Function(nameof(RefreshPages))]
    public Task Run(
        [QueueTrigger(StorageNames.RefreshQueue)] string message,
        CancellationToken cancellationToken) =>
        refresher.HandleAsync(message, cancellationToken);
}
