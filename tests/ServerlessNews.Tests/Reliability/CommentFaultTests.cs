using System.Globalization;
using System.Net;
using ServerlessNews.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>A host crash after comments were answered 202 (JSON) or 303 (the page's form), against an Azurite with disk persistence running apart from the DevServer.</summary>
public sealed class CommentFaultTests() : DiskAzuriteTests("comment-faults")
{
    private const int Comments = 20;
    private const string ArticleId = "crash-comments";
    private Dictionary<string, string> Environment(bool triggers = true) => HostEnvironment(new()
    {
        ["Moderation__Key"] = StorageFixture.ModerationKey,
        ["Webhooks__PublishInline"] = "true",
        // Every client here is 127.0.0.1: distinct emails alone cannot get past a per-address flood window.
        ["Comments__FloodWindow"] = "00:00:00",
        ["DevServer__DisableTriggers"] = triggers ? "false" : "true",
    });

    /// <summary>Publishes an article, posts comments on it at once (JSON or as the page's form), then kills the host.</summary>
    private static async Task<string[]> PostAndCrashAsync(DevServerProcess server, bool form = false)
    {
        using var client = HostApi.Client(server.BaseAddress);
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(ArticleId).With("publishedAt", at)))).StatusCode);
        await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(client, ArticleId) == "published" ? "ok" : null,
            TimeSpan.FromSeconds(60), "the article to be published");

        var responses = await Task.WhenAll(Enumerable.Range(0, Comments).Select(i => client.SendAsync(form
            ? HostApi.FormComment(ArticleId, $"crash{i}@example.test", $"Comment {i} before the crash.")
            : HostApi.JsonComment(ArticleId, $"crash{i}@example.test", $"Comment {i} before the crash."))));
        Assert.All(responses, r => Assert.Equal(form ? HttpStatusCode.SeeOther : HttpStatusCode.Accepted, r.StatusCode));
        server.Crash();
        return await Task.WhenAll(responses.Select(HostApi.AcceptedCommentIdAsync));
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
        using var client = HostApi.Client(second.BaseAddress);
        await Poll.UntilAsync(async () =>
        {
            var statuses = await HostApi.CommentStatusesAsync(client);
            return ids.All(id => statuses.TryGetValue(id, out var s) && s != CommentStatus.Pending) ? "ok" : null;
        }, TimeSpan.FromSeconds(90), "every accepted comment to reach a verdict");
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
        using var client = HostApi.Client(second.BaseAddress);
        // Messages the killed host held stay invisible until their 10-minute lease runs out; every other comment is decided.
        await HostApi.AssertEveryCommentDecidedOrHeldAsync(Azurite.ConnectionString, ids);
    }

    [Fact]
    public async Task Every_comment_answered_303_to_the_form_before_a_crash_reaches_a_verdict_or_waits_in_the_queue()
    {
        string[] ids;
        using (var first = await DevServerProcess.StartAsync(Environment()))
        {
            // The reader's browser: form-encoded posts answered 303 back to the article; the host dies right after.
            ids = await PostAndCrashAsync(first, form: true);
        }
        Assert.Equal(Comments, ids.Distinct().Count());

        using var second = await DevServerProcess.StartAsync(Environment());
        using var client = HostApi.Client(second.BaseAddress);
        // The moderator of the killed host may have held some messages (10-minute lease); every other comment is decided.
        await HostApi.AssertEveryCommentDecidedOrHeldAsync(Azurite.ConnectionString, ids);
    }
}
