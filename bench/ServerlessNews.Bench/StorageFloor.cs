using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ServerlessNews.DevServer;
using ServerlessNews.Storage;

namespace ServerlessNews.Bench;

/// <summary>
/// The minimum a durable publish needs, issued alone and in sequence: store the submission, queue it, take
/// the message, read the submission, write the page, index it, delete the message. Into the same containers
/// and table a publish writes to, so that it weighs what they hold as a publish does.
/// </summary>
public sealed class StorageFloor
{
    private readonly BlobContainerClient _submissions;
    private readonly BlobContainerClient _web;
    private readonly QueueClient _queue;
    private readonly TableClient _table;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly BinaryData _payload = BinaryData.FromString(SampleArticles.Body(0));
    private readonly BinaryData _page = BinaryData.FromString(new string('x', 30_000));
    private int _runs;

    private StorageFloor(AzuriteProcess azurite)
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        _submissions = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);
        _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);
        _queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient("floor");
        _table = new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.ArticlesTable);
    }

    /// <summary>A floor whose clients are connected and whose code is compiled (five untimed runs).</summary>
    public static async Task<StorageFloor> CreateAsync(AzuriteProcess azurite)
    {
        var floor = new StorageFloor(azurite);
        await floor._queue.CreateIfNotExistsAsync();
        for (var i = 0; i < 5; i++)
        {
            await floor.OnceAsync();
        }
        return floor;
    }

    /// <returns>Milliseconds.</returns>
    public async Task<double> OnceAsync()
    {
        var i = _runs++;
        var watch = Stopwatch.StartNew();
        await _submissions.GetBlobClient($"floor-{_run}/{i}.json").UploadAsync(_payload, overwrite: true);
        await _queue.SendMessageAsync("floor");
        var message = (await _queue.ReceiveMessageAsync()).Value;
        await _submissions.GetBlobClient($"floor-{_run}/{i}.json").DownloadContentAsync();
        await _web.GetBlobClient($"floor-{_run}/{i}/index.html").UploadAsync(_page, overwrite: true);
        await _table.UpsertEntityAsync(new TableEntity($"floor-{_run}-{i}", "") { ["Path"] = "/floor/" });
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// The floor run back to back, with no idle time between runs, on stderr: the machine and the emulator stay
    /// warm, as they never are for a publish measured alone, so it is shown beside the measure, not used as its baseline.
    /// </summary>
    public async Task ReportBackToBackAsync(int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            times.Add(await OnceAsync());
        }
        times.Sort();
        Console.Error.WriteLine("Storage floor back to back, ms: " + PublishLatencyBench.Summary(times));
    }
}
