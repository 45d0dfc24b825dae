using System.Diagnostics;
using System.Net;
using System.Runtime;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using ServerlessNews.Articles;
using ServerlessNews.DevServer;
using ServerlessNews.Index;
using ServerlessNews.Storage;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Bench;

/// <summary>
/// From a signed webhook to the page readable in $web, through the DevServer (Kestrel + WebJobs queue
/// trigger), against the floor: the storage round trips a publish cannot avoid, issued alone in sequence.
/// </summary>
public static class PublishLatencyBench
{
    public const string Secret = "whsec_YmVuY2htYXJrLXNlY3JldC1mb3Itc2VydmVybGVzc25ld3M=";

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(AzuriteProcess azurite, bool quick)
    {
        var runs = Runs(quick);
        await using var app = await StartDevServerAsync(azurite);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var web = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.WebContainer);

        var floor = await StorageFloor.CreateAsync(azurite);
        await WarmUpAsync(client, web, azurite, floor, "warm-up", maxBlocks: 8);
        var (live, floorTimes) = await PublishSeriesAsync(client, web, azurite, floor, "latency", runs);
        for (var i = 0; i < 3; i++)
        {
            await TraceOnePublishAsync(client, web, azurite, $"traced-{i}");
        }
        await floor.ReportBackToBackAsync(runs);
        await app.StopAsync();

        return
        [
            new("Publish to live: p50", BenchResult.Percentile(live, 0.50), BenchResult.Percentile(floorTimes, 0.50), "ms", "storage floor p50", 1.3),
            new("Publish to live: p99", BenchResult.Percentile(live, 0.99), BenchResult.Percentile(floorTimes, 0.99), "ms", "storage floor p99", 1.5),
        ];
    }

    /// <summary>Publishes (and floor runs) per series: of fewer than 100, the p99 is simply the slowest one.</summary>
    private static int Runs(bool quick) => quick ? 100 : 150;

    /// <summary>
    /// A host publishes for days: measure its steady state, after the JIT has compiled the hot path at full
    /// optimization (tiered compilation recompiles a method after 30 calls), connections are open and the
    /// queue listener is awake. The warm-up is the measured cycle itself (each publish alone, the refresh after it,
    /// a floor run): publishing back to back never ran the refresh each measured publish waits for, and the first
    /// ten measured cycles after 40 such publishes compiled 17,262 methods (7.6 s of JIT, on two cores), the next
    /// twenty over a thousand every ten. Blocks of ten cycles run until one spends under 1% of its time in the JIT.
    /// </summary>
    public static async Task WarmUpAsync(HttpClient client, BlobContainerClient web, AzuriteProcess azurite, StorageFloor floor, string prefix, int maxBlocks)
    {
        for (var block = 0; ; block++)
        {
            var (jit, compiled) = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++)
            {
                await WaitForQuietAsync(azurite);
                await PublishOnceAsync(client, web, $"{prefix}-{block}-{i}");
                await WaitForQuietAsync(azurite);
                await floor.OnceAsync();
            }
            var share = (JitInfo.GetCompilationTime() - jit) / watch.Elapsed;
            if (block >= 1 && share < 0.01 || block + 1 >= maxBlocks)
            {
                Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  ({prefix}: {10 * (block + 1)} publishes; the last ten compiled {JitInfo.GetCompiledMethodCount() - compiled} methods, {share:P1} of their time in the JIT)"));
                return;
            }
        }
    }

    public static async Task<WebApplication> StartDevServerAsync(AzuriteProcess azurite)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Secret"] = Secret,
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Refresh:Delay"] = "00:00:01",
        };
        var app = await DevServerApp.BuildAsync([], settings);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Publish-to-live times of <paramref name="runs"/> new articles, and as many runs of the storage floor,
    /// interleaved and sorted. They are published one at a time, as a newsroom publishes: each waits until the
    /// work the one before started (its listings, feeds and sitemaps, refreshed a moment later) is done, so
    /// every publish is measured alone. Each floor run waits the same way and follows a publish, so both start
    /// from the same idle machine and share whatever the machine does meanwhile.
    /// </summary>
    public static async Task<(List<double> Live, List<double> Floor)> PublishSeriesAsync(
        HttpClient client, BlobContainerClient web, AzuriteProcess azurite, StorageFloor floor, string prefix, int runs)
    {
        var live = new List<double>();
        var floorTimes = new List<double>();
        var busy = 0;
        // What else happened in this process (the DevServer's) while each publish ran, for the slowest ones.
        var circumstances = new List<(PublishTiming Timing, TimeSpan GcPauses, long Compiled)>();
        for (var i = 0; i < runs; i++)
        {
            busy += await WaitForQuietAsync(azurite) ? 0 : 1;
            var (pauses, compiled) = (GC.GetTotalPauseDuration(), JitInfo.GetCompiledMethodCount());
            var timing = await PublishOnceAsync(client, web, $"{prefix}-{i}");
            circumstances.Add((timing, GC.GetTotalPauseDuration() - pauses, JitInfo.GetCompiledMethodCount() - compiled));
            live.Add(timing.LiveMs);
            busy += await WaitForQuietAsync(azurite) ? 0 : 1;
            floorTimes.Add(await floor.OnceAsync());
        }
        live.Sort();
        floorTimes.Sort();
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Publish to live ({prefix}), ms: {Summary(live)}; floor, ms: {Summary(floorTimes)}; {busy} of {2 * runs} started before the site was quiet (20 s)"));
        Console.Error.WriteLine("  Slowest publishes: " + string.Join("; ", circumstances.OrderByDescending(c => c.Timing.LiveMs).Take(3).Select(c =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{c.Timing.LiveMs:0.0} ms (answered after {c.Timing.AcceptedMs:0.0} ms; GC pauses {c.GcPauses.TotalMilliseconds:0.0} ms, {c.Compiled} methods compiled meanwhile)"))));
        return (live, floorTimes);
    }

    public static string Summary(List<double> sorted) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"min {sorted[0]:0.0}, p25 {BenchResult.Percentile(sorted, 0.25):0.0}, p50 {BenchResult.Percentile(sorted, 0.5):0.0}, p75 {BenchResult.Percentile(sorted, 0.75):0.0}, max {sorted[^1]:0.0}");

    /// <summary>Until no message is queued, no refresh is pending and this process (the DevServer's) and the emulator are idle.</summary>
    /// <returns>False when 20 s passed first.</returns>
    public static async Task<bool> WaitForQuietAsync(AzuriteProcess azurite)
    {
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var listings = new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.ListingsTable);
        using var self = Process.GetCurrentProcess();
        using var emulator = Process.GetProcessById(azurite.ProcessId);
        var deadline = Stopwatch.StartNew();
        await Task.Delay(200);
        while (deadline.Elapsed < TimeSpan.FromSeconds(20)) // the emulator's refresh of a 10,000-article site can take longer: measure anyway
        {
            // Under a tenth of a core each: the DevServer (this process) and the emulator, which may still be
            // serving the work of a message taken from the queue (no longer counted as queued).
            var idle = (await Settle.CpuDuringAsync(TimeSpan.FromMilliseconds(300), self, emulator)).All(cpu => cpu.TotalMilliseconds < 30);
            var queued = false;
            foreach (var name in new[] { StorageNames.PublishQueue, StorageNames.RefreshQueue })
            {
                queued |= (await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount > 0;
            }
            var pending = false;
            await foreach (var _ in listings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ListingIndex.DirtyPartition}"), maxPerPage: 1))
            {
                pending = true;
                break;
            }
            if (idle && !queued && !pending)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The storage calls of one more publish, on stderr: where its time goes.</summary>
    private static async Task TraceOnePublishAsync(HttpClient client, BlobContainerClient web, AzuriteProcess azurite, string id)
    {
        await WaitForQuietAsync(azurite);
        using var timeline = new StorageTimeline();
        var elapsed = (await PublishOnceAsync(client, web, id)).LiveMs;
        timeline.Print(Console.Error, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"One publish, {elapsed:0.0} ms to live (the bench's own existence checks included):"));
    }

    /// <param name="AcceptedMs">Until the webhook's answer.</param>
    /// <param name="LiveMs">Until the page is readable.</param>
    public readonly record struct PublishTiming(double AcceptedMs, double LiveMs);

    public static async Task<PublishTiming> PublishOnceAsync(HttpClient client, BlobContainerClient web, string id)
    {
        var submission = SampleArticles.Submission(0) with { Id = id };
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new
        {
            id,
            revision = 1,
            section = submission.Section,
            headline = submission.Headline,
            authors = submission.Authors,
            dateline = submission.Dateline,
            summary = submission.Summary,
            tags = submission.Tags,
            publishedAt = submission.PublishedAt,
            body = new { format = "markdown", content = submission.Body.Content },
        }));
        var page = web.GetBlobClient(ArticleDocument.PageBlobNameFor(ArticleDocument.PathFor(submission)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(Secret, webhookId, timestamp, body));
        // From the moment the CMS sends the signed webhook: signing it is the CMS's work.
        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The webhook answered {response.StatusCode}.");
        }
        var accepted = watch.Elapsed.TotalMilliseconds;
        while (!await page.ExistsAsync())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{id} was not published within 60 s.");
            }
            await Task.Delay(2);
        }
        return new(accepted, watch.Elapsed.TotalMilliseconds);
    }
}
