using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>
/// A CMS or an editor drops a .json or .md file into inbox/. Event Grid delivers the event: the only
/// blob trigger source Flex Consumption supports, and it starts within seconds instead of polling. The blob is
/// bound as a client, not as its bytes, so that a file of any size is measured before it is read.
/// </summary>
public sealed class InboxDrop(InboxHandler handler)
{
    [Function(nameof(InboxDrop))]
    public Task Run(
        [BlobTrigger(StorageNames.InboxBlobPath, Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        string name,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(name, blob, cancellationToken);
}
