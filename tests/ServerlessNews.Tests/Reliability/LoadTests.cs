using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>The DevServer with triggers, the flood window off (every client here is 127.0.0.1) and an article that takes comments.</summary>
public sealed class LoadFixture : DevServerFixture
{
    public const string ArticleId = "load-comments";

    protected override bool Triggers => true;

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Comments:FloodWindow"] = "00:00:00";
        // Load on one article well past the per-article and site-wide rates: they stay on, out of reach, so their cost is in the figures.
        settings["Comments:ArticleRateLimit"] = "1000000";
        settings["Comments:SiteRateLimit"] = "1000000";
        return settings;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var response = await Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(ArticleId).With("publishedAt", at)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Poll.UntilAsync(async () =>
            (await Client.GetFromJsonAsync<JsonElement>($"/api/articles/{ArticleId}")).GetProperty("state").GetString() == "published" ? "ok" : null,
            TimeSpan.FromSeconds(60), "the article for comments to be published");
    }
}

/// <summary>A bounded burst of concurrent webhook deliveries and comment posts on loopback: nothing lost, no 5xx.</summary>
public sealed class LoadTests(LoadFixture server) : IClassFixture<LoadFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(6);
    private const int Workers = 8;
    private const int CommentWorkers = 4;

    private sealed class Run(string what)
    {
        public List<double> Latencies { get; } = [];
        public List<string> Accepted { get; } = [];
        public int ServerErrors { get; set; }

        public async Task TimeAsync(string id, Func<Task<HttpResponseMessage>> send, HttpStatusCode accepted, Func<HttpResponseMessage, Task<string>>? idOf = null)
        {
            var watch = Stopwatch.StartNew();
            var response = await send();
            watch.Stop();
            var acceptedId = response.StatusCode == accepted && idOf is not null ? await idOf(response) : id;
            lock (this)
            {
                Latencies.Add(watch.Elapsed.TotalMilliseconds);
                if ((int)response.StatusCode >= 500)
                {
                    ServerErrors++;
                }
                else if (response.StatusCode == accepted)
                {
                    Accepted.Add(acceptedId);
                }
            }
        }

        public string Report(int clients)
        {
            Latencies.Sort();
            double Percentile(double p) => Latencies[(int)Math.Min(Latencies.Count - 1, Math.Ceiling(p * Latencies.Count) - 1)];
            return string.Create(CultureInfo.InvariantCulture,
                $"{what} load: {Latencies.Count} requests in {Duration.TotalSeconds:0} s by {clients} clients ({Latencies.Count / Duration.TotalSeconds:0} req/s); " +
                $"latency p50 {Percentile(0.50):0.0} ms, p95 {Percentile(0.95):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {Latencies[^1]:0.0} ms; 5xx: {ServerErrors}");
        }
    }

    private static HttpRequestMessage Comment(int worker, int i) => new(HttpMethod.Post, "/api/comments")
    {
        Content = JsonContent.Create(new { articleId = LoadFixture.ArticleId, name = "Load Reader", email = $"load{worker}-{i}@example.test", comment = $"Comment {i} from reader {worker}." }),
    };

    /// <summary>Every comment id listed by the moderation API, whatever its status.</summary>
    private async Task<HashSet<string>> ListedCommentsAsync()
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in ServerlessNews.Comments.CommentStatus.All)
        {
            string? continuation = null;
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get,
                    $"/api/moderation/comments?status={status}" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
                request.Headers.Add(ServerlessNews.Moderation.ModerationApiHandler.KeyHeader, StorageFixture.ModerationKey);
                var page = await (await server.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
                listed.UnionWith(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
                continuation = page.GetProperty("continuation").GetString();
            }
            while (continuation is not null);
        }
        return listed;
    }

    [Fact]
    public async Task Concurrent_webhooks_and_comments_for_a_bounded_time_lose_nothing_and_never_5xx()
    {
        var webhooks = new Run("webhook");
        var comments = new Run("comment");
        var stopAt = DateTime.UtcNow + Duration;
        var webhookWorkers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; DateTime.UtcNow < stopAt && i < 500; i++)
            {
                var id = $"load-{worker}-{i}";
                await webhooks.TimeAsync(id, () => server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id))), HttpStatusCode.Accepted);
            }
        }));
        var commentWorkers = Enumerable.Range(0, CommentWorkers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; DateTime.UtcNow < stopAt && i < 500; i++)
            {
                await comments.TimeAsync("", () => server.Client.SendAsync(Comment(worker, i)), HttpStatusCode.Accepted,
                    async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
            }
        }));
        await Task.WhenAll(webhookWorkers.Concat(commentWorkers));

        foreach (var report in new[] { webhooks.Report(Workers), comments.Report(CommentWorkers) })
        {
            TestContext.Current.TestOutputHelper?.WriteLine(report);
            Console.WriteLine(report);
        }

        Assert.Equal(0, webhooks.ServerErrors);
        Assert.Equal(0, comments.ServerErrors);
        Assert.Equal(webhooks.Latencies.Count, webhooks.Accepted.Count);
        Assert.Equal(comments.Latencies.Count, comments.Accepted.Count);
        // Every accepted article reaches the site.
        foreach (var id in webhooks.Accepted)
        {
            await Poll.UntilAsync(async () =>
            {
                var status = await server.Client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
                return status.GetProperty("state").GetString() == "published" ? "ok" : null;
            }, TimeSpan.FromSeconds(120), id + " published");
        }
        // Every accepted comment is in the moderators' lists (pending, decided or held).
        var missing = await Poll.UntilAsync(async () =>
        {
            var listed = await ListedCommentsAsync();
            return comments.Accepted.All(listed.Contains) ? Array.Empty<string>() : null;
        }, TimeSpan.FromSeconds(60), "every accepted comment to be listed by the moderation API");
        Assert.Empty(missing);
    }
}
