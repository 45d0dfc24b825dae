using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace ServerlessNews.Storage;

/// <summary>
/// Creates every container, queue and table if missing. In Azure the Bicep creates them; locally
/// (Azurite) this makes a fresh emulator usable at once.
/// </summary>
public sealed class StorageBootstrap(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables)
{
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        var work = new List<Task>();
        work.AddRange(StorageNames.Containers.Select(c => blobs.GetBlobContainerClient(c).CreateIfNotExistsAsync(cancellationToken: ct)));
        work.AddRange(StorageNames.Queues.Select(q => queues.GetQueueClient(q).CreateIfNotExistsAsync(cancellationToken: ct)));
        work.AddRange(StorageNames.Tables.Select(async t =>
        {
            try
            {
                await tables.CreateTableIfNotExistsAsync(t, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Created concurrently by another instance.
            }
        }));
        await Task.WhenAll(work);
    }
}
