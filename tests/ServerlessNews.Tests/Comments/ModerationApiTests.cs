using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Index;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>/api/moderation over real HTTP (issue 4, point 5).</summary>
public sealed class ModerationApiTests(CommentsFixture server) : IClassFixture<CommentsFixture>
{
    [Theory]
    [InlineData("GET", "comments?status=held", null)]
    [InlineData("GET", "comments?status=held", "wrong-key")]
    [InlineData("POST", "comments/some-article/0123456789abcdef0123/approve", null)]
    [InlineData("POST", "commenters/export", "")]
    [InlineData("POST", "commenters/erase", "test-moderation-ke")]
    public async Task Every_moderation_route_refuses_a_missing_or_wrong_key(string method, string path, string? key)
    {
        var response = await server.Client.SendAsync(CommentsFixture.Moderation(new HttpMethod(method), path, new { email = "a@example.test" }, key));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Every listed comment of one status, across pages: other tests in this class add comments too.</summary>
    private async Task<List<JsonElement>> ListAllAsync(string status)
    {
        var items = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var response = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Get,
                "comments?status=" + status + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var page = JsonDocument.Parse(text).RootElement;
            items.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.Clone()));
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        return items;
    }

    [Fact]
    public async Task Held_comments_are_listed_with_their_reasons_across_articles_and_never_with_an_email()
    {
        await server.PublishAsync("api-list-a");
        await server.PublishAsync("api-list-b");
        var reader = server.NewReader();
        var links = await server.PostAsync("api-list-a", "Two links: https://a.example.test https://b.example.test", email: reader.Email);
        var plain = await server.PostAsync("api-list-b", "Just words.");
        await server.DrainModerateQueueAsync();

        var response = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Get, "comments?status=held"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(reader.Email, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        var items = (await ListAllAsync("held")).ToDictionary(i => i.GetProperty("id").GetString()!);
        Assert.Equal("links", items[links].GetProperty("rule").GetString());
        Assert.Contains("2 links", items[links].GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal("api-list-a", items[links].GetProperty("articleId").GetString());
        Assert.Equal("pre-moderation", items[plain].GetProperty("rule").GetString());

        var bad = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Get, "comments?status=everything"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Listing_pages_with_a_continuation_token()
    {
        await server.PublishAsync("api-paging");
        var ids = new List<string>();
        for (var i = 0; i < 55; i++)
        {
            ids.Add(await server.PostAsync("api-paging", "Paged comment " + i));
        }
        await server.DrainModerateQueueAsync(); // every one held by pre-moderation
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await (await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Get,
                "comments?status=held" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)))))
                .Content.ReadFromJsonAsync<JsonElement>();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            continuation = page.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null);
        Assert.Equal(ids, seen.Where(ids.Contains));
        Assert.True(pages >= 2, $"{seen.Count} held comments came in {pages} page(s)");
    }

    [Fact]
    public async Task Approve_reject_and_spam_move_the_comment_between_statuses()
    {
        await server.PublishAsync("api-decide");
        var id = await server.PostAsync("api-decide", "Decide me.");
        await server.DrainModerateQueueAsync();

        foreach (var (action, status) in new[] { ("approve", "approved"), ("spam", "spam"), ("reject", "rejected"), ("approve", "approved") })
        {
            var decided = await server.ModerateAsync("api-decide", id, action);
            Assert.Equal(status, decided.GetProperty("status").GetString());
            Assert.Equal("moderator", decided.GetProperty("rule").GetString());
            Assert.Contains(await ListAllAsync(status), i => i.GetProperty("id").GetString() == id);
            Assert.DoesNotContain(await ListAllAsync("held"), i => i.GetProperty("id").GetString() == id);
        }

        var unknown = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "comments/api-decide/0123456789abcdef0123/approve"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var badAction = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, $"comments/api-decide/{id}/publish"));
        Assert.Equal(HttpStatusCode.BadRequest, badAction.StatusCode);
    }

    /// <summary>Issue 22, point 2: nothing consumes the moderate queue here (the fixture's triggers are off).</summary>
    [Fact]
    public async Task A_comment_still_in_the_moderate_queue_is_listed_as_pending_exported_and_erased_at_once()
    {
        await server.PublishAsync("api-erase-queued");
        var email = server.NewReader().Email;
        var queued = await server.PostAsync("api-erase-queued", "Posted just before the erasure.", name: "Quinn", email: email);

        Assert.Contains(await ListAllAsync("pending"), i => i.GetProperty("id").GetString() == queued);
        var export = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/export", new { email }));
        var exported = (await export.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("comments").EnumerateArray();
        Assert.Equal([queued], exported.Select(c => c.GetProperty("id").GetString()));

        var erase = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/erase", new { email }));
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        Assert.Equal(1, (await erase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("erased").GetInt32());
        Assert.Null(await server.CommentAsync("api-erase-queued", queued));
        Assert.DoesNotContain(await ListAllAsync("pending"), i => i.GetProperty("id").GetString() == queued);

        // Its message, when a moderator reaches it, finds nothing to register again.
        await server.DrainModerateQueueAsync();
        Assert.Null(await server.CommentAsync("api-erase-queued", queued));
        Assert.Empty(await server.Table(StorageNames.CommentsTable)
            .QueryAsync<TableEntity>(e => e.RowKey == CommentEntity.StatusRowKey("api-erase-queued", queued)).ToListAsync());
        var hash = server.Get<CommentKeys>().EmailHash(email);
        Assert.Empty(await server.Table(StorageNames.CommentersTable).QueryAsync<TableEntity>(e => e.PartitionKey == hash).ToListAsync());

        // A comment posted after the erasure is the commenter's new one.
        var later = await server.PostAsync("api-erase-queued", "Back after the erasure.", name: "Quinn", email: email);
        await server.DrainModerateQueueAsync();
        Assert.Equal(CommentStatus.Held, (await server.CommentAsync("api-erase-queued", later))!.Status);
    }

    [Fact]
    public async Task A_comment_whose_moderation_keeps_failing_is_listed_as_pending_and_exported()
    {
        await server.PublishAsync("api-stuck");
        var email = server.NewReader().Email;
        var id = await server.PostAsync("api-stuck", "Posted while the classifier is down.", email: email);
        var message = (await server.Queue(StorageNames.ModerateQueue).PeekMessagesAsync(32)).Value
            .Single(m => m.MessageText.Contains(id, StringComparison.Ordinal)).MessageText;
        var pipeline = new ModerationPipeline(server.Get<CommentStore>(), server.Get<ArticleIndex>(), server.Get<FloodRecord>(), new FailingClassifier(),
            server.Get<IOptions<ModerationOptions>>(), server.Get<IOptions<CommentOptions>>());
        var failing = new Moderator(server.Get<CommentStore>(), pipeline, server.Get<CommentPages>(), TimeProvider.System, NullLogger<Moderator>.Instance);

        await Assert.ThrowsAsync<HttpRequestException>(() => failing.HandleAsync(message, CancellationToken.None));

        Assert.Contains(await ListAllAsync("pending"), i => i.GetProperty("id").GetString() == id);
        var export = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/export", new { email }));
        var exported = (await export.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("comments").EnumerateArray();
        Assert.Equal([id], exported.Select(c => c.GetProperty("id").GetString()));

        await server.DrainModerateQueueAsync(); // the next delivery decides it
        Assert.DoesNotContain(await ListAllAsync("pending"), i => i.GetProperty("id").GetString() == id);
        Assert.Contains(await ListAllAsync("held"), i => i.GetProperty("id").GetString() == id);
    }

    private sealed class FailingClassifier : ICommentClassifier
    {
        public ValueTask<ClassifierResult?> ClassifyAsync(ClassifierInput input, CancellationToken ct) =>
            throw new HttpRequestException("The classifier is unreachable.");
    }

    [Fact]
    public async Task A_commenter_is_exported_then_erased_everywhere_and_the_pages_re_rendered()
    {
        var pathA = await server.PublishAsync("api-erase-a");
        var pathB = await server.PublishAsync("api-erase-b");
        var email = server.NewReader().Email;
        var a = await server.PostAsync("api-erase-a", "Mine on A.", name: "Erin", email: email);
        var b = await server.PostAsync("api-erase-b", "Mine on B.", name: "Erin", email: email);
        var held = await server.PostAsync("api-erase-b", "Held one: https://x.example.test https://y.example.test", name: "Erin", email: email);
        var stays = await server.PostAsync("api-erase-a", "Someone else's.");
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync("api-erase-a", a, "approve");
        await server.ModerateAsync("api-erase-b", b, "approve");
        await server.ModerateAsync("api-erase-a", stays, "approve");

        var export = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/export", new { email = email.ToUpperInvariant() }));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var exportText = await export.Content.ReadAsStringAsync();
        Assert.DoesNotContain(email, exportText, StringComparison.OrdinalIgnoreCase);
        var exported = JsonDocument.Parse(exportText).RootElement.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { a, b, held }, exported);

        var erase = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/erase", new { email }));
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        Assert.Equal(3, (await erase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("erased").GetInt32());

        var pageA = Html.Parse((await server.PageAsync(pathA))!);
        Assert.Null(pageA.GetElementById("comment-" + a));
        Assert.NotNull(pageA.GetElementById("comment-" + stays));
        Assert.DoesNotContain("Erin", (await server.PageAsync(pathB))!, StringComparison.Ordinal);
        foreach (var (article, id) in new[] { ("api-erase-a", a), ("api-erase-b", b), ("api-erase-b", held) })
        {
            Assert.Null(await server.CommentAsync(article, id));
            var indexRows = await server.Table(StorageNames.CommentsTable).QueryAsync<TableEntity>(e => e.RowKey == CommentEntity.StatusRowKey(article, id)).ToListAsync();
            Assert.Empty(indexRows);
        }
        var hash = server.Get<CommentKeys>().EmailHash(email);
        Assert.Empty(await server.Table(StorageNames.CommentersTable).QueryAsync<TableEntity>(e => e.PartitionKey == hash).ToListAsync());
        var again = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/export", new { email }));
        Assert.Empty((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("comments").EnumerateArray());
    }
}
