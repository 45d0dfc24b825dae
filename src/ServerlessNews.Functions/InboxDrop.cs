using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>
/// A CMS or an editor drops a .json or .md file into inbox/. Event Grid delivers the event: the only
/// blob trigger source Flex Consumption supports, and it starts within seconds instead of polling.
/// </summary>
public sealed class InboxDrop(InboxHandler handler)
{
    [Function(nameof(InboxDrop))]
    public Task Run(
        [BlobTrigger(StorageNames.InboxBlobPath, Source = BlobTriggerSource.EventGrid)] byte[] content,
        string name,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(name, content, cancellationToken);
}
