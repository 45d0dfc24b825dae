using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>Renders an accepted submission into $web and the index. Exceptions escape so the host retries, then poison-queues.</summary>
public sealed class PublishArticle(PublishingPipeline publishing)
{
    [Function(nameof(PublishArticle))]
    public Task Run(
        [QueueTrigger(StorageNames.PublishQueue)] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        publishing.HandleAsync(message, dequeueCount, cancellationToken);
}
