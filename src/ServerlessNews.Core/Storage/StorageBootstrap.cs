using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;

namespace ServerlessNews.Storage;

/// <summary>
/// Creates every container, queue and table if missing: idempotent, and safe for several instances at once. The
/// hosts run it at start (<see cref="StorageBootstrapService"/>), so a fresh Azurite or a fresh account works with
/// no setup step; in Azure the Bicep creates the same names and the app's identity holds the data roles to create them.
/// </summary>
public sealed class StorageBootstrap(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables)
{
    private volatile bool _created;

    /// <summary>Creates what is missing; once that has succeeded, later calls on this instance do nothing.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created)
        {
            return;
        }
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
        _created = true;
    }
}

/// <summary>
/// Runs <see cref="StorageBootstrap"/> as the host starts, in both hosts through the same registration (Core's
/// <c>AddServerlessNews</c>). It runs in <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted service
/// starts: the Functions worker connects to the Functions host, and the DevServer's Kestrel and trigger listeners
/// start, only once storage exists. (<see cref="Hosting.HostStartup"/> runs it first, to explain a failure in one line.)
/// </summary>
public sealed class StorageBootstrapService(StorageBootstrap bootstrap) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => bootstrap.EnsureCreatedAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
