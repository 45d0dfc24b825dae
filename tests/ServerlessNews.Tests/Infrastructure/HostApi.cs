using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// A host seen from outside, as a CMS, a reader's browser and a moderator see it, for tests that run it as a
/// process (and kill and restart it).
/// </summary>
public static class HostApi
{
    /// <summary>A client that does not follow redirects, so that the form post's 303 is what the test sees.</summary>
    public static HttpClient Client(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    /// <summary>The article's state from <c>GET /api/articles/{id}</c>; null when the host knows nothing of it.</summary>
    public static async Task<string?> ArticleStateAsync(HttpClient client, string id)
    {
        using var response = await client.SendAsync(Webhook.StatusRequest(id));
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() : null;
    }

    /// <summary>A comment as the article page's form posts it: form-encoded, from the site's own origin, honeypot empty.</summary>
    public static HttpRequestMessage FormComment(string articleId, string email, string comment)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["articleId"] = articleId,
                ["parentId"] = "",
                ["name"] = "Crash Reader",
                ["email"] = email,
                ["website"] = "",
                ["comment"] = comment,
                ["homepage"] = "",
            }),
        };
        request.Headers.Add("Origin", StorageFixture.BaseUrl);
        return request;
    }

    /// <summary>A moderation API request, with the moderation key in x-functions-key, or as a bearer token, or none.</summary>
    public static HttpRequestMessage Moderation(HttpMethod method, string path, string? key = StorageFixture.ModerationKey, bool bearer = false)
    {
        var request = new HttpRequestMessage(method, "/api/moderation/" + path);
        if (key is not null && bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else if (key is not null)
        {
            request.Headers.Add(ModerationCredential.KeyHeader, key);
        }
        return request;
    }

    /// <summary>A comment as a script posts it: JSON.</summary>
    public static HttpRequestMessage JsonComment(string articleId, string email, string comment) =>
        new(HttpMethod.Post, "/api/comments")
        {
            Content = JsonContent.Create(new { articleId, name = "Crash Reader", email, comment }),
        };

    /// <summary>
    /// The id of an accepted comment: from the body of a 202, or from the header of a 303, whose Location (the page a
    /// reader's browser goes to) carries no token.
    /// </summary>
    public static async Task<string> AcceptedCommentIdAsync(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("", response.Headers.Location!.Query);
        Assert.Equal("#comment-pending", response.Headers.Location.Fragment);
        return response.Headers.GetValues(CommentIntakeHandler.CommentIdHeader).Single();
    }

    /// <summary>Every comment's status through the moderation API: every status, every page.</summary>
    public static async Task<Dictionary<string, string>> CommentStatusesAsync(HttpClient client)
    {
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var status in CommentStatus.All)
        {
            string? continuation = null;
            do
            {
                var query = $"/api/moderation/comments?status={status}" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
                using var request = new HttpRequestMessage(HttpMethod.Get, query);
                request.Headers.Add(ModerationApiHandler.KeyHeader, StorageFixture.ModerationKey);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                foreach (var comment in page.GetProperty("items").EnumerateArray())
                {
                    statuses[comment.GetProperty("id").GetString()!] = status;
                }
                continuation = page.GetProperty("continuation").GetString();
            }
            while (continuation is not null);
        }
        return statuses;
    }

    /// <summary>
    /// How many messages of a queue are held by a host, or null while some are visible (the live host will
    /// take them). After a crash this counts the ones the killed host held: the WebJobs queue listener hides a
    /// message it took for a fixed 10 minutes, after which it is delivered again.
    /// </summary>
    public static async Task<int?> HeldMessagesAsync(QueueClient queue)
    {
        if ((await queue.PeekMessagesAsync(32)).Value.Length > 0)
        {
            return null;
        }
        return (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    /// <summary>
    /// After a crash: waits until every comment in <paramref name="ids"/> has a verdict or its message is held
    /// by the killed host, then asserts that every one is stored and that no more are still pending than
    /// messages are held. Returns how many have a verdict and how many messages are held. Statuses come from
    /// the comments' rows of record, or for one not yet recorded by a moderator (intake writes only its pending
    /// index row) from that row.
    /// </summary>
    public static async Task<(int Decided, int Held)> AssertEveryCommentDecidedOrHeldAsync(string connectionString, IReadOnlyCollection<string> ids)
    {
        var moderate = new QueueServiceClient(connectionString).GetQueueClient(StorageNames.ModerateQueue);
        var comments = new TableServiceClient(connectionString).GetTableClient(StorageNames.CommentsTable);
        var (statuses, held) = await Poll.UntilAsync(async () =>
        {
            // Statuses first: a message finished between the two reads then counts as neither, never as both.
            var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var row in comments.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Status"]))
            {
                if (!row.PartitionKey.StartsWith("status|", StringComparison.Ordinal) && ids.Contains(row.RowKey) && row.GetString("Status") is { } status)
                {
                    statuses[row.RowKey] = status;
                }
                // Accepted but not yet recorded by a moderator: only its pending index row exists.
                else if (row.PartitionKey == CommentEntity.StatusPartition(CommentStatus.Pending) && row.RowKey.Split('|')[0] is var id && ids.Contains(id))
                {
                    statuses.TryAdd(id, CommentStatus.Pending);
                }
            }
            if (await HeldMessagesAsync(moderate) is not { } held)
            {
                return null;
            }
            var decided = ids.Count(id => statuses.TryGetValue(id, out var s) && s != CommentStatus.Pending);
            return decided + held >= ids.Count ? Tuple.Create(statuses, held) : null;
        }, TimeSpan.FromSeconds(120), "every accepted comment to be decided or held in the queue");

        var missing = ids.Where(id => !statuses.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"accepted but not stored: {string.Join(", ", missing)}");
        var pending = ids.Count(id => statuses[id] == CommentStatus.Pending);
        Assert.True(pending <= held, $"{pending} comments still pending, but only {held} moderate messages held");
        TestContext.Current.TestOutputHelper?.WriteLine($"{ids.Count - pending}/{ids.Count} comments decided, {held} moderate messages held");
        return (ids.Count - pending, held);
    }
}
