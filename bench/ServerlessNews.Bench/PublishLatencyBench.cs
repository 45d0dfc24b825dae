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
        PublishTarget site = new(client, web, azurite, floor, "latency");
        await WarmUpAsync([site], maxBlocks: 8);
        var (live, floorTimes, _, _) = (await PublishSeriesAsync([site], runs))[0];
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
    /// twenty over a thousand every ten. Blocks of ten cycles (of each site) run until one spends under 1% of its time in the JIT.
    /// </summary>
    public static async Task WarmUpAsync(IReadOnlyList<PublishTarget> sites, int maxBlocks)
    {
        for (var block = 0; ; block++)
        {
            var (jit, compiled) = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++)
            {
                foreach (var site in sites)
                {
                    await CycleAsync(site, $"{site.Prefix}-warm-up-{block}-{i}");
                }
            }
            var share = (JitInfo.GetCompilationTime() - jit) / watch.Elapsed;
            if (block >= 1 && share < 0.01 || block + 1 >= maxBlocks)
            {
                Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  (warm-up of {string.Join(" and ", sites.Select(site => site.Prefix))}: {10 * (block + 1)} publishes each; the last ten compiled {JitInfo.GetCompiledMethodCount() - compiled} methods, {share:P1} of their time in the JIT)"));
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

    /// <summary>A site to publish to: the DevServer's address, its web container, its emulator and the floor beside it.</summary>
    /// <param name="NewestSeeded">
    /// The newest article's time on a seeded site: each publish is then a minute newer than the last, as a newsroom
    /// publishes, and its follow-ups (the related blocks it enters) are those of the site's newest stories. Null: every
    /// publish carries the first sample article's time.
    /// </param>
    /// <param name="QuietLimit">How long a cycle waits for the site to be quiet before it measures anyway.</param>
    public sealed record PublishTarget(HttpClient Client, BlobContainerClient Web, AzuriteProcess Azurite, StorageFloor Floor, string Prefix,
        DateTimeOffset? NewestSeeded = null, TimeSpan? QuietLimit = null)
    {
        private int _published;

        public DateTimeOffset? NextPublishedAt() => NewestSeeded?.AddMinutes(Interlocked.Increment(ref _published));
    }

    /// <param name="Busy">How many of its two waits ended before the site was quiet.</param>
    /// <param name="FilesWritten">Files the publish wrote into $web: its page and every follow-up, until the site was quiet.</param>
    /// <param name="LastWriteMs">From the webhook to the end of the last of those writes.</param>
    private readonly record struct Cycle(PublishTiming Timing, double FloorMs, TimeSpan GcPauses, long Compiled, int Busy, int FilesWritten, double LastWriteMs);

    /// <summary>One site's series: publish-to-live and floor times, sorted, and each publish's follow-up writes.</summary>
    public sealed record Series(List<double> Live, List<double> Floor, List<double> FilesWritten, List<double> LastWriteMs);

    /// <summary>
    /// One publish, measured alone, as a newsroom publishes one at a time: it waits until the work the one before
    /// started (its listings, feeds and sitemaps, refreshed a moment later) is done. Then one floor run, which
    /// waits the same way, so both start from the same idle machine and share whatever the machine does meanwhile.
    /// </summary>
    private static async Task<Cycle> CycleAsync(PublishTarget site, string id)
    {
        var busy = await WaitForQuietAsync(site.Azurite, site.QuietLimit) ? 0 : 1;
        // What else happened in this process (the DevServer's) meanwhile, shown for the slowest publishes.
        var (pauses, compiled) = (GC.GetTotalPauseDuration(), JitInfo.GetCompiledMethodCount());
        using var writes = new SiteWrites();
        var timing = await PublishOnceAsync(site.Client, site.Web, id, site.NextPublishedAt());
        var (gc, jit) = (GC.GetTotalPauseDuration() - pauses, JitInfo.GetCompiledMethodCount() - compiled);
        busy += await WaitForQuietAsync(site.Azurite, site.QuietLimit) ? 0 : 1;
        var (files, lastWrite) = (writes.Files, writes.LastWriteMs);
        return new(timing, await site.Floor.OnceAsync(), gc, jit, busy, files, lastWrite);
    }

    /// <summary>
    /// Publish-to-live times of <paramref name="runs"/> new articles on each site, and as many runs of its floor,
    /// sorted. With several sites their cycles alternate (in turn, each round in the reverse order), so that what
    /// drifts over the minutes a series takes weighs on every site alike.
    /// </summary>
    public static async Task<List<Series>> PublishSeriesAsync(IReadOnlyList<PublishTarget> sites, int runs)
    {
        var cycles = sites.Select(_ => new List<Cycle>()).ToArray();
        for (var i = 0; i < runs; i++)
        {
            foreach (var s in i % 2 == 0 ? Enumerable.Range(0, sites.Count) : Enumerable.Range(0, sites.Count).Reverse())
            {
                cycles[s].Add(await CycleAsync(sites[s], $"{sites[s].Prefix}-{i}"));
            }
        }
        return [.. sites.Zip(cycles, Report)];
    }

    private static Series Report(PublishTarget site, List<Cycle> cycles)
    {
        var live = cycles.Select(c => c.Timing.LiveMs).Order().ToList();
        var floorTimes = cycles.Select(c => c.FloorMs).Order().ToList();
        var files = cycles.Select(c => (double)c.FilesWritten).Order().ToList();
        var lastWrites = cycles.Select(c => c.LastWriteMs).Order().ToList();
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Publish to live ({site.Prefix}), ms: {Summary(live)}; floor, ms: {Summary(floorTimes)}; {cycles.Sum(c => c.Busy)} of {2 * cycles.Count} started before the site was quiet ({(site.QuietLimit ?? DefaultQuietLimit).TotalSeconds:0} s)"));
        Console.Error.WriteLine("  Slowest publishes: " + string.Join("; ", cycles.OrderByDescending(c => c.Timing.LiveMs).Take(3).Select(c =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{c.Timing.LiveMs:0.0} ms (answered after {c.Timing.AcceptedMs:0.0} ms; GC pauses {c.GcPauses.TotalMilliseconds:0.0} ms, {c.Compiled} methods compiled meanwhile)"))));
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"  Files each publish wrote into $web (its page and every follow-up): {Summary(files)}; its last write, ms after the webhook: {Summary(lastWrites)}"));
        return new(live, floorTimes, files, lastWrites);
    }

    public static string Summary(List<double> sorted) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"min {sorted[0]:0.0}, p25 {BenchResult.Percentile(sorted, 0.25):0.0}, p50 {BenchResult.Percentile(sorted, 0.5):0.0}, p75 {BenchResult.Percentile(sorted, 0.75):0.0}, max {sorted[^1]:0.0}");

    private static readonly TimeSpan DefaultQuietLimit = TimeSpan.FromSeconds(20);

    /// <summary>Until no message is queued, no refresh is pending and this process (the DevServer's) and the emulator are idle.</summary>
    /// <returns>False when <paramref name="limit"/> (default 20 s) passed first.</returns>
    public static async Task<bool> WaitForQuietAsync(AzuriteProcess azurite, TimeSpan? limit = null)
    {
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var listings = new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.ListingsTable);
        using var self = Process.GetCurrentProcess();
        using var emulator = Process.GetProcessById(azurite.ProcessId);
        var deadline = Stopwatch.StartNew();
        await Task.Delay(200);
        (bool Idle, bool Queued, string? Pending) last = default;
        while (deadline.Elapsed < (limit ?? DefaultQuietLimit)) // past it, measure anyway
        {
            // Under a tenth of a core each: the DevServer (this process) and the emulator, which may still be
            // serving the work of a message taken from the queue (no longer counted as queued).
            var idle = (await Settle.CpuDuringAsync(TimeSpan.FromMilliseconds(300), self, emulator)).All(cpu => cpu.TotalMilliseconds < 30);
            var queued = false;
            foreach (var name in new[] { StorageNames.PublishQueue, StorageNames.RefreshQueue })
            {
                queued |= (await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount > 0;
            }
            string? pending = null;
            await foreach (var row in listings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RefreshMarkers.Partition}"), maxPerPage: 1))
            {
                pending = row.RowKey;
                break;
            }
            if (idle && !queued && pending is null)
            {
                return true;
            }
            last = (idle, queued, pending);
        }
        Console.Error.WriteLine($"  (not quiet after {(limit ?? DefaultQuietLimit).TotalSeconds:0} s: idle {last.Idle}, queued {last.Queued}, refresh pending: {last.Pending ?? "none"})");
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

    public static async Task<PublishTiming> PublishOnceAsync(HttpClient client, BlobContainerClient web, string id, DateTimeOffset? publishedAt = null)
    {
        var submission = SampleArticles.Submission(0) with { Id = id };
        submission = submission with { PublishedAt = publishedAt ?? submission.PublishedAt };
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
