using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using ServerlessNews.Comments;
using ServerlessNews.DevServer;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>A host crash after comments were answered 202, against an Azurite with disk persistence running apart from the DevServer.</summary>
public sealed class CommentFaultTests : IAsyncLifetime
{
    private const int Comments = 20;
    private const string ArticleId = "crash-comments";
    private readonly string _location = Path.Combine(Path.GetTempPath(), "serverlessnews-comment-faults-" + Guid.NewGuid().ToString("N"));
    private AzuriteProcess _azurite = null!;

    public async ValueTask InitializeAsync() => _azurite = await AzuriteProcess.StartAsync(_location);

    public async ValueTask DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_location, recursive: true);
    }

    private Dictionary<string, string> Environment(bool triggers = true) => new()
    {
        ["AzureWebJobsStorage"] = _azurite.ConnectionString,
        ["Webhooks__Secret"] = StorageFixture.Secret,
        ["Site__BaseUrl"] = StorageFixture.BaseUrl,
        ["Moderation__Key"] = StorageFixture.ModerationKey,
        ["Webhooks__PublishInline"] = "true",
        // Every client here is 127.0.0.1: distinct emails alone cannot get past a per-address flood window.
        ["Comments__FloodWindow"] = "00:00:00",
        ["DevServer__DisableTriggers"] = triggers ? "false" : "true",
        ["AzureWebJobs__extensions__queues__visibilityTimeout"] = "00:00:00",
        ["AzureWebJobs__extensions__queues__maxPollingInterval"] = "00:00:00.500",
    };

    private static async Task<string[]> PostAndCrashAsync(DevServerProcess server)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(ArticleId).With("publishedAt", at)))).StatusCode);
        await Poll.UntilAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/articles/{ArticleId}")).GetProperty("state").GetString() == "published" ? "ok" : null,
            TimeSpan.FromSeconds(60), "the article to be published");

        var responses = await Task.WhenAll(Enumerable.Range(0, Comments).Select(i => client.PostAsJsonAsync("/api/comments",
            new { articleId = ArticleId, name = "Crash Reader", email = $"crash{i}@example.test", comment = $"Comment {i} before the crash." })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!));
        server.Crash();
        return ids;
    }

    /// <summary>Ids of the comments with a verdict, through the moderation API.</summary>
    private static async Task<HashSet<string>> DecidedAsync(HttpClient client)
    {
        var decided = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in CommentStatus.All.Where(s => s != CommentStatus.Pending))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/moderation/comments?status={status}");
            request.Headers.Add(ModerationApiHandler.KeyHeader, StorageFixture.ModerationKey);
            var page = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            decided.UnionWith(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
        }
        return decided;
    }

    [Fact]
    public async Task Every_comment_answered_202_before_a_crash_reaches_a_verdict_after_restart()
    {
        string[] ids;
        using (var first = await DevServerProcess.StartAsync(Environment(triggers: false)))
        {
            ids = await PostAndCrashAsync(first);
        }

        using var second = await DevServerProcess.StartAsync(Environment());
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        await Poll.UntilAsync(async () => (await DecidedAsync(client)).IsSupersetOf(ids) ? "ok" : null,
            TimeSpan.FromSeconds(90), "every accepted comment to reach a verdict");
    }

    [Fact]
    public async Task A_crash_while_moderating_loses_no_comment()
    {
        string[] ids;
        using (var first = await DevServerProcess.StartAsync(Environment()))
        {
            ids = await PostAndCrashAsync(first);
        }

        using var second = await DevServerProcess.StartAsync(Environment());
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        var queue = new QueueServiceClient(_azurite.ConnectionString).GetQueueClient(StorageNames.ModerateQueue);
        // Messages the killed host held stay invisible until their 10-minute lease runs out; every other comment is decided.
        var counts = await Poll.UntilAsync<int[]>(async () =>
        {
            if ((await queue.PeekMessagesAsync(32)).Value.Length > 0)
            {
                return null;
            }
            var decided = (await DecidedAsync(client)).Count(ids.Contains);
            var waiting = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            return decided + waiting >= ids.Length ? [decided, waiting] : null;
        }, TimeSpan.FromSeconds(90), "every accepted comment to be decided or still queued");
        Assert.True(counts[0] + counts[1] >= ids.Length, $"{counts[0]} decided + {counts[1]} queued < {ids.Length}");
    }
}
