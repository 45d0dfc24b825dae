using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessNews.DevServer;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Bench;

/// <summary>
/// Comment intake through the DevServer (<c>POST /api/comments</c>, JSON) against a bare Kestrel endpoint in the
/// same process that reads the JSON body, does one Table insert of an equivalent row and one queue send to the
/// same Azurite, and answers 202. The same load drives both, alternately and in both orders (bare, ours, ours,
/// bare, …) after warm-up runs of each, and each figure is the median of its runs. The load comes from a child
/// process (this program with <see cref="ClientFlag"/>), so that the CPU counted for this process is the servers'
/// alone (Azurite's, in its own process, is reported apart).
/// </summary>
public static class CommentIntakeBench
{
    public const string ClientFlag = "--intake-client";
    public const int Concurrency = 16;

    private const string Secret = "whsec_Y29tbWVudC1pbnRha2UtYmVuY2htYXJrLXNlY3JldA==";
    private const string ArticleId = "intake-bench-article";
    private const string BareTable = "benchbarecomments";
    private const string BareQueue = "bench-bare-moderate";

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(bool quick)
    {
        // One run moves by up to a sixth either way with what the emulator does meanwhile (its collections), on either
        // side: with 8 rounds of 3 s the medians' ratio moved 0.85–1.10× from one bench run to the next on the same code.
        var (rounds, seconds, warmUp, maxWarmUpRounds) = quick ? (12, 4, 3, 12) : (16, 8, 5, 20);
        // An Azurite of its own, in memory: one that holds what the other benches wrote works harder for every request
        // (and on this machine Azurite shares the cores with both servers), so the figures would depend on what ran before.
        await using var azurite = await AzuriteProcess.StartAsync(location: null);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Secret"] = Secret,
            ["Moderation:Key"] = "bench-moderation-key",
            ["Site:BaseUrl"] = "https://news.example.test",
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            // The moderate trigger would decide the comments while they are being posted, competing for the same
            // cores; intake alone is measured. Each client is its own reader (address in X-Forwarded-For).
            ["DevServer:DisableTriggers"] = "true",
            ["Comments:TrustForwardedFor"] = "true",
            // Thousands of comments a second on one article: the rate limits stay on, out of reach, so their cost is measured.
            ["Comments:ArticleRateLimit"] = "1000000",
            ["Comments:SiteRateLimit"] = "1000000",
        };
        Console.Error.WriteLine("Comment intake: DevServer with DevServer:DisableTriggers=true (the moderate trigger does not run during the measurement), " +
            $"Comments:TrustForwardedFor=true, default flood window; {Concurrency} concurrent clients in a child process, " +
            $"every comment from a new address and email; warm-up runs of {warmUp} s against each until the JIT is done, then {rounds} alternating runs of {seconds} s against each.");

        await using var ours = await DevServerApp.BuildAsync([], settings);
        await ours.StartAsync();
        await PublishArticleAsync(new Uri(ours.Urls.First()));
        await using var bare = await BareEndpoint.StartAsync(azurite.ConnectionString);

        await using var client = LoadClient.Start();
        var targets = new (string Name, string Url)[] { ("bare", bare.Url), ("ours", ours.Urls.First()) };
        // Tiered compilation keeps recompiling hot methods for tens of seconds on a busy machine: warm up until a round
        // of both spends under 1% of its time in the JIT (and at least twice: connections, Azurite's tables and queues).
        for (var round = 0; ; round++)
        {
            var jit = JitInfo.GetCompilationTime();
            var watch = Stopwatch.StartNew();
            foreach (var (name, url) in targets)
            {
                await client.RunAsync(url, warmUp, $"w{round}{name}");
            }
            var share = (JitInfo.GetCompilationTime() - jit) / watch.Elapsed;
            if (round >= 1 && share < 0.01 || round + 1 >= maxWarmUpRounds)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  warm-up: {round + 1} rounds; JIT in the last one {share:P1} of the time"));
                break;
            }
        }
        var runs = targets.ToDictionary(t => t.Name, _ => new List<RunResult>());
        for (var round = 0; round < rounds; round++)
        {
            // ABBA: neither server always runs right after the other.
            foreach (var (name, url) in round % 2 == 0 ? targets : [targets[1], targets[0]])
            {
                var run = await MeasureAsync(client, azurite, url, seconds, $"{name}{round}");
                runs[name].Add(run);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-4} run {round + 1}: {run.Requests} comments in {run.Seconds:0.00} s = {run.RequestsPerSecond:0} req/s; " +
                    $"CPU per comment: this process {run.CpuMicroseconds:0} µs, Azurite {run.AzuriteCpuMicroseconds:0} µs; " +
                    $"latency p50 {run.P50:0.0} ms, p99 {run.P99:0.0} ms; allocated {run.AllocatedBytes / 1024:0.0} KB per comment; JIT {run.JitMilliseconds:0} ms"));
            }
        }
        await ours.StopAsync();

        var oursRps = BenchResult.Median(runs["ours"].Select(r => r.RequestsPerSecond));
        var bareRps = BenchResult.Median(runs["bare"].Select(r => r.RequestsPerSecond));
        var oursCpu = BenchResult.Median(runs["ours"].Select(r => r.CpuMicroseconds));
        var bareCpu = BenchResult.Median(runs["bare"].Select(r => r.CpuMicroseconds));
        // The goal rows compare each round's two runs, which ran back to back: over the minutes of the measurement
        // the emulator's cost per comment drifts (by a third in some runs, on either side), and the median of each
        // side alone compares runs taken minutes apart.
        var pairedRps = BenchResult.Median(Enumerable.Range(0, rounds).Select(i => runs["ours"][i].RequestsPerSecond / runs["bare"][i].RequestsPerSecond));
        var pairedCpu = BenchResult.Median(Enumerable.Range(0, rounds).Select(i => runs["ours"][i].CpuMicroseconds / runs["bare"][i].CpuMicroseconds));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Comment intake: median of the rounds' ratios ours/bare: requests/s {pairedRps:0.00}×, CPU per comment {pairedCpu:0.00}×; " +
            $"ratio of each side's median: requests/s {oursRps / bareRps:0.00}×, CPU per comment {oursCpu / bareCpu:0.00}×"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Comment intake medians: ours {oursRps:0} req/s, {oursCpu:0} µs CPU per comment (Azurite {BenchResult.Median(runs["ours"].Select(r => r.AzuriteCpuMicroseconds)):0} µs); " +
            $"bare {bareRps:0} req/s, {bareCpu:0} µs (Azurite {BenchResult.Median(runs["bare"].Select(r => r.AzuriteCpuMicroseconds)):0} µs)"));
        return
        [
            new(string.Create(CultureInfo.InvariantCulture, $"Comment intake: requests/s, ours ÷ bare in the same round (median of {rounds}; medians alone: {oursRps:0} and {bareRps:0})"),
                pairedRps, 1, "×", "bare Kestrel", 0.9, HigherIsBetter: true),
            // CPU is lower-is-better: 0.9× the bare endpoint's efficiency is at most 1/0.9 of its CPU per comment.
            new(string.Create(CultureInfo.InvariantCulture, $"Comment intake: CPU per comment in this process, ours ÷ bare in the same round (median of {rounds}; medians alone: {oursCpu:0} and {bareCpu:0} µs)"),
                pairedCpu, 1, "×", "bare Kestrel", 1 / 0.9),
        ];
    }

    private static async Task<RunResult> MeasureAsync(LoadClient client, AzuriteProcess azurite, string url, int seconds, string tag)
    {
        using var self = Process.GetCurrentProcess();
        using var node = Process.GetProcessById(azurite.ProcessId);
        var cpu = self.TotalProcessorTime;
        var azuriteCpu = node.TotalProcessorTime;
        var jit = JitInfo.GetCompilationTime();
        var allocated = GC.GetTotalAllocatedBytes();
        var load = await client.RunAsync(url, seconds, tag);
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        self.Refresh();
        node.Refresh();
        return new RunResult(load.Ok, load.Seconds,
            (self.TotalProcessorTime - cpu).TotalMicroseconds / load.Ok,
            (node.TotalProcessorTime - azuriteCpu).TotalMicroseconds / load.Ok,
            load.P50, load.P99, (JitInfo.GetCompilationTime() - jit).TotalMilliseconds, (double)allocated / load.Ok);
    }

    private sealed record RunResult(
        int Requests, double Seconds, double CpuMicroseconds, double AzuriteCpuMicroseconds, double P50, double P99, double JitMilliseconds, double AllocatedBytes)
    {
        public double RequestsPerSecond => Requests / Seconds;
    }

    /// <summary>Publishes the article the comments are posted to, through the signed webhook, and waits until it is published.</summary>
    private static async Task PublishArticleAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var submission = SampleArticles.Submission(0);
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = ArticleId,
            revision = 1,
            section = submission.Section,
            headline = "Readers discuss the harbour bridge",
            authors = submission.Authors,
            summary = submission.Summary,
            tags = submission.Tags,
            publishedAt = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            body = new { format = "markdown", content = submission.Body.Content },
        }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(Secret, webhookId, timestamp, body));
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The webhook answered {response.StatusCode}.");
        }
        var watch = Stopwatch.StartNew();
        while (JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/articles/" + ArticleId, UriKind.Relative))).RootElement.GetProperty("state").GetString() != "published")
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The article to comment on was not published within 60 s.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The baseline: a minimal API on Kestrel (slim builder, logging at Warning like the DevServer here) doing the
    /// least a durable intake can do. The row has the same properties and sizes as the DevServer's (hashes instead
    /// of the email and address), the message the same encoding (base64, as the queue triggers expect).
    /// </summary>
    private sealed class BareEndpoint(WebApplication app) : IAsyncDisposable
    {
        public string Url => app.Urls.First();

        public static async Task<BareEndpoint> StartAsync(string connectionString)
        {
            var table = new TableServiceClient(connectionString).GetTableClient(BareTable);
            await table.CreateIfNotExistsAsync();
            var queue = new QueueClient(connectionString, BareQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateIfNotExistsAsync();

            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
            var app = builder.Build();
            app.MapPost("/api/comments", async (HttpRequest request, CancellationToken ct) =>
            {
                var posted = await JsonSerializer.DeserializeAsync(request.Body, BareJsonContext.Default.BareComment, ct);
                if (posted is not { ArticleId: not null, Name: not null, Email: not null, Comment: not null })
                {
                    return Results.BadRequest();
                }
                var id = Guid.NewGuid().ToString("N")[..20];
                var ip = request.Headers["X-Forwarded-For"].ToString().Split(',')[^1].Trim();
                await table.AddEntityAsync(new TableEntity(posted.ArticleId, id)
                {
                    ["ArticleId"] = posted.ArticleId,
                    ["CommentId"] = id,
                    ["Depth"] = 0,
                    ["AuthorName"] = posted.Name,
                    ["Website"] = posted.Website,
                    ["EmailHash"] = Hash(posted.Email),
                    ["IpHash"] = Hash(ip),
                    ["Text"] = posted.Comment,
                    ["HoneypotFilled"] = false,
                    ["ContentHash"] = Hash(posted.Comment),
                    ["Status"] = "pending",
                    ["CreatedAt"] = DateTimeOffset.UtcNow,
                    ["PageCurrent"] = true,
                }, ct);
                await queue.SendMessageAsync(JsonSerializer.Serialize(new BareMessage(posted.ArticleId, id), BareJsonContext.Default.BareMessage), ct);
                return Results.Accepted("/api/comments/" + id, new BareAccepted(id, posted.ArticleId, "pending"));
            });
            await app.StartAsync();
            return new BareEndpoint(app);
        }

        private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The child process that posts the comments, driven over its standard input and output.</summary>
    private sealed class LoadClient(Process process) : IAsyncDisposable
    {
        public static LoadClient Start()
        {
            var start = ThisProgram.StartInfo(ClientFlag, Concurrency.ToString(CultureInfo.InvariantCulture));
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            return new LoadClient(Process.Start(start) ?? throw new InvalidOperationException("Could not start the load client."));
        }

        public async Task<LoadResult> RunAsync(string url, int seconds, string tag)
        {
            await process.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {url} {seconds} {tag}"));
            await process.StandardInput.FlushAsync();
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The load client exited.");
            var result = JsonSerializer.Deserialize(line, BareJsonContext.Default.LoadResult) ?? throw new InvalidOperationException(line);
            if (result.Failed > 0 || result.Ok == 0)
            {
                throw new InvalidOperationException($"{result.Failed} of {result.Ok + result.Failed} comments to {url} were not answered 202; first: {result.FirstFailure}");
            }
            return result;
        }

        public async ValueTask DisposeAsync()
        {
            await process.StandardInput.WriteLineAsync("quit");
            await process.StandardInput.FlushAsync();
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>
    /// The child's side: for each "run URL SECONDS TAG" line, <paramref name="args"/>[0] clients post JSON comments
    /// for that long, each from a new reader (a new email, and a new address in X-Forwarded-For), then one JSON
    /// line reports what was answered.
    /// </summary>
    public static async Task<int> ClientAsync(string[] args)
    {
        var concurrency = int.Parse(args[0], CultureInfo.InvariantCulture);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        var reader = 0;
        while (Console.ReadLine() is { } line && line != "quit")
        {
            var parts = line.Split(' ');
            var url = new Uri(new Uri(parts[1]), "/api/comments");
            var stopAt = Stopwatch.GetTimestamp() + Stopwatch.Frequency * long.Parse(parts[2], CultureInfo.InvariantCulture);
            var tag = parts[3];
            var latencies = new List<double>[concurrency];
            var failed = 0;
            string? firstFailure = null;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var mine = latencies[worker] = [];
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var n = Interlocked.Increment(ref reader);
                    var body = $$"""{"articleId":"{{ArticleId}}","name":"Bench Reader {{n}}","email":"reader{{n}}@{{tag}}.bench.example","comment":"Comment {{n}}: the reopening is good news for everyone who crosses the harbour twice a day."}""";
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Add("X-Forwarded-For", string.Create(CultureInfo.InvariantCulture, $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"));
                    var sent = Stopwatch.GetTimestamp();
                    string failure;
                    try
                    {
                        using var response = await http.SendAsync(request);
                        var text = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                            continue;
                        }
                        failure = $"{(int)response.StatusCode} {text}";
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        failure = $"no answer after {Stopwatch.GetElapsedTime(sent).TotalSeconds:0} s: {e.Message}";
                    }
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        firstFailure = failure;
                    }
                }
            })));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            var result = new LoadResult(all.Length, failed, elapsed,
                all.Length > 0 ? BenchResult.Percentile(all, 0.50) : 0, all.Length > 0 ? BenchResult.Percentile(all, 0.99) : 0, firstFailure);
            Console.WriteLine(JsonSerializer.Serialize(result, BareJsonContext.Default.LoadResult));
        }
        return 0;
    }
}

internal sealed record BareComment(string? ArticleId, string? ParentId, string? Name, string? Email, string? Website, string? Comment, string? Homepage);

internal sealed record BareMessage(string ArticleId, string CommentId);

internal sealed record BareAccepted(string Id, string ArticleId, string Status);

internal sealed record LoadResult(int Ok, int Failed, double Seconds, double P50, double P99, string? FirstFailure);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BareComment))]
[JsonSerializable(typeof(BareMessage))]
[JsonSerializable(typeof(BareAccepted))]
[JsonSerializable(typeof(LoadResult))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
