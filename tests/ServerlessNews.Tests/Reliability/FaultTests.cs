using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
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
