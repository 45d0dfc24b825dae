using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>Runs the moderation pipeline on a new comment. Exceptions escape so the host retries, then poison-queues.</summary>
public sealed class ModerateComment(Moderator moderator)
{
    [Function(nameof(ModerateComment))]
    public Task Run(
        [QueueTrigger(StorageNames.ModerateQueue)] string message,
        CancellationToken cancellationToken) =>
        moderator.HandleAsync(message, cancellationToken);
}
