using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>A bounded burst of concurrent webhook deliveries on loopback: nothing lost, no 5xx.</summary>
public sealed class LoadTests(LiveDevServerFixture server) : IClassFixture<LiveDevServerFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(8);
    private const int Workers = 8;

    [Fact]
    public async Task Concurrent_webhooks_for_a_bounded_time_lose_nothing_and_never_5xx()
    {
        var latencies = new List<double>();
        var accepted = new List<string>();
        var serverErrors = 0;
        var stopAt = DateTime.UtcNow + Duration;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; DateTime.UtcNow < stopAt && i < 500; i++)
            {
                var id = $"load-{worker}-{i}";
                var watch = Stopwatch.StartNew();
                var response = await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id)));
                watch.Stop();
                lock (latencies)
                {
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                    if ((int)response.StatusCode >= 500)
                    {
                        serverErrors++;
                    }
                    else if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add(id);
                    }
                }
            }
        })));

        latencies.Sort();
        double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
        var report = string.Create(CultureInfo.InvariantCulture,
            $"webhook load: {latencies.Count} requests in {Duration.TotalSeconds:0} s by {Workers} clients ({latencies.Count / Duration.TotalSeconds:0} req/s); " +
            $"latency p50 {Percentile(0.50):0.0} ms, p95 {Percentile(0.95):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {latencies[^1]:0.0} ms; 5xx: {serverErrors}");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);

        Assert.Equal(0, serverErrors);
        Assert.Equal(latencies.Count, accepted.Count);
        // Every accepted article reaches the site.
        foreach (var id in accepted)
        {
            await Poll.UntilAsync(async () =>
            {
                var status = await server.Client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
                return status.GetProperty("state").GetString() == "published" ? "ok" : null;
            }, TimeSpan.FromSeconds(120), id + " published");
        }
    }
}
