using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ServerlessNews.DevServer;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>Failures a serverless host really sees, against an Azurite with disk persistence running apart from the DevServer.</summary>
public sealed class FaultTests() : DiskAzuriteTests("faults")
{
    private Dictionary<string, string> Environment() => HostEnvironment(new()
    {
        // These tests are about the queue path: no publishing within the webhook request.
        ["Webhooks__PublishInline"] = "false",
        // Poison after two tries (the retry is at once, not after host.json's 10 s back-off).
        ["AzureWebJobs__extensions__queues__maxDequeueCount"] = "2",
    });

    private async Task<string[]> PostAndCrashAsync(string prefix, bool triggers, int publishedBeforeCrash = 0)
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"{prefix}-{i}").ToArray();
        var environment = Environment();
        environment["DevServer__DisableTriggers"] = triggers ? "false" : "true";
        using var first = await DevServerProcess.StartAsync(environment);
        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        var responses = await Task.WhenAll(ids.Select(id => client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id)))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        if (publishedBeforeCrash > 0)
        {
            await Poll.UntilAsync(async () => (await Task.WhenAll(ids.Select(id => HostApi.ArticleStateAsync(client, id)))).Count(s => s == "published") >= publishedBeforeCrash ? "ok" : null,
                TimeSpan.FromSeconds(60), "some articles to be published before the crash");
        }
        first.Crash();
        return ids;
    }

    [Fact]
    public async Task Every_article_answered_202_before_a_crash_is_published_after_restart()
    {
        var ids = await PostAndCrashAsync("crash-before", triggers: false);

        using var second = await DevServerProcess.StartAsync(Environment());
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        foreach (var id in ids)
        {
            await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(client, id) == "published" ? "ok" : null, TimeSpan.FromSeconds(90), id + " published");
            var page = await client.GetStringAsync(new Uri($"/world/2026/11/27/{id}/", UriKind.Relative));
            Assert.Contains("Harbour bridge reopens after repairs", page, StringComparison.Ordinal);
        }
        var submissions = await new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(StorageNames.SubmissionsContainer).GetBlobsAsync().CountAsync();
        Assert.Equal(ids.Length, submissions);
    }

    [Fact]
    public async Task A_crash_while_publishing_loses_nothing()
    {
        var ids = await PostAndCrashAsync("crash-during", triggers: true, publishedBeforeCrash: 5);

        using var second = await DevServerProcess.StartAsync(Environment());
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        var queue = new QueueServiceClient(Azurite.ConnectionString).GetQueueClient(StorageNames.PublishQueue);
        // Messages the killed host held stay invisible until their 10-minute lease (fixed in the queue
        // listener) runs out, then are delivered again; every other one is published by the new host.
        var counts = await Poll.UntilAsync<int[]>(async () =>
        {
            if ((await queue.PeekMessagesAsync(32)).Value.Length > 0)
            {
                return null;
            }
            var states = await Task.WhenAll(ids.Select(id => HostApi.ArticleStateAsync(client, id)));
            var done = states.Count(s => s == "published");
            var waiting = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            return done + waiting >= ids.Length ? [done, waiting] : null;
        }, TimeSpan.FromSeconds(90), "every accepted article to be published or still queued");

        var (published, queued) = (counts[0], counts[1]);
        Assert.True(published + queued >= ids.Length, $"{published} published + {queued} queued < {ids.Length}");
        Assert.True(published >= 5);
    }

    [Fact]
    public async Task A_storage_outage_answers_503_and_work_resumes_when_storage_is_back()
    {
        var server = await DevServerProcess.StartAsync(Environment());
        try
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            var ports = (Azurite.BlobPort, Azurite.QueuePort, Azurite.TablePort);

            await Azurite.DisposeAsync();
            try
            {
                var during = await client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("outage")));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
                Assert.NotNull(during.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);
                var problem = await during.Content.ReadAsStringAsync();
                Assert.DoesNotContain("   at ", problem, StringComparison.Ordinal); // no stack trace
                var status = await client.GetAsync(new Uri("/api/articles/outage", UriKind.Relative));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status.StatusCode);
            }
            catch (HttpRequestException) when (server.ExitsWithin(TimeSpan.FromSeconds(10)))
            {
                // The WebJobs queue listener ends the host when storage stays unreachable past its client's retries
                // (about 25 s; the Functions host does the same and the platform starts it again). Never a 202
                // for something not stored, never a 500: the request got no answer at all.
            }

            Azurite = await AzuriteProcess.StartAsync(Location, ports);
            if (server.HasExited)
            {
                server.Dispose();
                server = await DevServerProcess.StartAsync(Environment());
            }
            using var again = new HttpClient { BaseAddress = server.BaseAddress };
            var afterwards = await again.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("outage")));
            Assert.Equal(HttpStatusCode.Accepted, afterwards.StatusCode);
            await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(again, "outage") == "published" ? "ok" : null, TimeSpan.FromSeconds(90), "publish after the outage");
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task A_message_that_always_fails_is_poisoned_and_the_operator_command_replays_it()
    {
        using var server = await DevServerProcess.StartAsync(Environment());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var queues = new QueueServiceClient(Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var message = JsonSerializer.Serialize(new PublishMessage("poisoned", 1, "poisoned/missing.json"), PublishingJsonContext.Default.PublishMessage);
        await queues.GetQueueClient(StorageNames.PublishQueue).SendMessageAsync(message);

        var poison = queues.GetQueueClient(StorageNames.PublishQueue + "-poison");
        await Poll.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1 ? "ok" : null,
            TimeSpan.FromSeconds(60), "the message to reach publish-poison");
        var status = await (await client.SendAsync(Webhook.StatusRequest("poisoned"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("does not exist", status.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);

        // The operator fixes the cause, then replays.
        await new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(StorageNames.SubmissionsContainer)
            .UploadBlobAsync("poisoned/missing.json", BinaryData.FromString(TestArticles.Valid("poisoned").ToJsonString()));
        using (var replay = await DevServerProcess.StartAsync(Environment(), "replay-poison", "publish"))
        {
            Assert.Equal(0, await replay.WaitForExitAsync());
        }

        await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(client, "poisoned") == "published" ? "ok" : null, TimeSpan.FromSeconds(60), "the replayed publish");
        Assert.Empty((await poison.PeekMessagesAsync()).Value);
    }
}
