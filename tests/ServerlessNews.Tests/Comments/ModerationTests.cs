using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.Comments;
using ServerlessNews.Index;
using ServerlessNews.Moderation;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>The moderation pipeline on real comments in Azurite (issue 4, points 3 and 4).</summary>
public sealed class ModerationTests(CommentsFixture server) : IClassFixture<CommentsFixture>
{
    private async Task<CommentEntity> ModeratedAsync(string articleId, string commentId)
    {
        await server.DrainModerateQueueAsync();
        return (await server.CommentAsync(articleId, commentId))!;
    }

    [Fact]
    public async Task A_filled_honeypot_is_spam()
    {
        await server.PublishAsync("mod-honeypot");
        var id = await server.PostAsync("mod-honeypot", "Great article", homepage: "https://spam.example.test");
        var comment = await ModeratedAsync("mod-honeypot", id);
        Assert.Equal((CommentStatus.Spam, ModerationRules.Honeypot), (comment.Status, comment.Rule));
        Assert.Contains("homepage", comment.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_text_again_from_the_same_commenter_is_rejected_as_a_duplicate()
    {
        await server.PublishAsync("mod-duplicate");
        var email = server.NewReader().Email;
        var first = await server.PostAsync("mod-duplicate", "I drove over it  today.", email: email);
        var second = await server.PostAsync("mod-duplicate", "i drove over it today.", email: email);
        var other = await server.PostAsync("mod-duplicate", "I drove over it today.");
        await server.DrainModerateQueueAsync();

        Assert.Equal(ModerationRules.PreModeration, (await server.CommentAsync("mod-duplicate", first))!.Rule);
        var duplicate = (await server.CommentAsync("mod-duplicate", second))!;
        Assert.Equal((CommentStatus.Rejected, ModerationRules.Duplicate), (duplicate.Status, duplicate.Rule));
        Assert.Contains(first, duplicate.Evidence, StringComparison.Ordinal);
        Assert.NotEqual(ModerationRules.Duplicate, (await server.CommentAsync("mod-duplicate", other))!.Rule);
    }

    [Fact]
    public async Task Two_links_hold_the_comment_with_the_count_as_evidence()
    {
        await server.PublishAsync("mod-links");
        var one = await server.PostAsync("mod-links", "See https://a.example.test for more.");
        var two = await server.PostAsync("mod-links", "See https://a.example.test and www.b.example.test");
        await server.DrainModerateQueueAsync();

        Assert.Equal(ModerationRules.PreModeration, (await server.CommentAsync("mod-links", one))!.Rule);
        var held = (await server.CommentAsync("mod-links", two))!;
        Assert.Equal((CommentStatus.Held, ModerationRules.Links), (held.Status, held.Rule));
        Assert.Contains("2 links", held.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Word_lists_match_on_word_boundaries_only()
    {
        await server.PublishAsync("mod-words");
        var wordpress = await server.PostAsync("mod-words", "Built with WordPress and Pressure-tested.");
        var press = await server.PostAsync("mod-words", "Did the PRESS office comment?");
        var casino = await server.PostAsync("mod-words", "Nice", name: "Best Casino");
        var casinos = await server.PostAsync("mod-words", "casinos are not on the list");
        await server.DrainModerateQueueAsync();

        Assert.Equal(ModerationRules.PreModeration, (await server.CommentAsync("mod-words", wordpress))!.Rule);
        Assert.Equal(ModerationRules.PreModeration, (await server.CommentAsync("mod-words", casinos))!.Rule);
        var held = (await server.CommentAsync("mod-words", press))!;
        Assert.Equal((CommentStatus.Held, ModerationRules.HoldWords), (held.Status, held.Rule));
        Assert.Contains("'press' in comment", held.Evidence, StringComparison.Ordinal);
        var spam = (await server.CommentAsync("mod-words", casino))!;
        Assert.Equal((CommentStatus.Spam, ModerationRules.SpamWords), (spam.Status, spam.Rule));
        Assert.Contains("in name", spam.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_previously_approved_commenter_is_approved_at_once_and_appears_on_the_page()
    {
        var path = await server.PublishAsync("mod-known");
        var email = server.NewReader().Email;
        var first = await server.PostAsync("mod-known", "First time here.", email: email);
        Assert.Equal(CommentStatus.Held, (await ModeratedAsync("mod-known", first)).Status);
        await server.ModerateAsync("mod-known", first, "approve");

        var second = await server.PostAsync("mod-known", "Back again.", email: " " + email.ToUpperInvariant());
        var comment = await ModeratedAsync("mod-known", second);

        Assert.Equal((CommentStatus.Approved, ModerationRules.KnownCommenter), (comment.Status, comment.Rule));
        var page = Html.Parse((await server.PageAsync(path))!);
        Assert.Equal(["First time here.", "Back again."], page.QuerySelectorAll(".comment-content").Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public async Task Post_moderation_approves_what_no_rule_decided_and_the_classifier_hook_is_consulted()
    {
        await server.PublishAsync("mod-modes");
        var plain = await server.PostAsync("mod-modes", "Plain comment.");
        var flagged = await server.PostAsync("mod-modes", "Something the classifier dislikes.");
        var post = Options.Create(new ModerationOptions { Mode = ModerationMode.Post, HashKey = "k" });

        var postVerdict = await Pipeline(new NoCommentClassifier(), post)
            .DecideAsync((await server.CommentAsync("mod-modes", plain))!, CancellationToken.None);
        Assert.Equal(new Verdict(CommentStatus.Approved, ModerationRules.PostModeration, postVerdict.Evidence), postVerdict);

        var classified = await Pipeline(new DislikingClassifier(), post)
            .DecideAsync((await server.CommentAsync("mod-modes", flagged))!, CancellationToken.None);
        Assert.Equal(new Verdict(CommentStatus.Held, ModerationRules.Classifier, "toxicity 0.91"), classified);
        Assert.IsType<NoCommentClassifier>(server.Get<ICommentClassifier>());
        await server.DrainModerateQueueAsync();
    }

    private ModerationPipeline Pipeline(ICommentClassifier classifier, IOptions<ModerationOptions> options) =>
        new(server.Get<CommentStore>(), server.Get<ArticleIndex>(), server.Get<FloodRecord>(), classifier, options, server.Get<IOptions<CommentOptions>>());

    private sealed class DislikingClassifier : ICommentClassifier
    {
        public ValueTask<ClassifierResult?> ClassifyAsync(ClassifierInput input, CancellationToken ct) =>
            ValueTask.FromResult(input.Text.Contains("dislikes", StringComparison.Ordinal) ? new ClassifierResult("hold", "toxicity 0.91") : null);
    }

    [Fact]
    public async Task A_comment_on_an_article_killed_after_intake_read_it_is_rejected_by_the_article_rule()
    {
        await server.PublishAsync("mod-killed");
        var before = await server.PostAsync("mod-killed", "Posted while the article was up.");
        // Killed by another instance (these services, not the DevServer's): the DevServer read the article for the
        // first comment and keeps it for PublishedArticleCache.Lifetime, so it still takes a comment.
        await server.SubmitAsync(TestArticles.Valid("mod-killed", revision: 2).With("status", "killed"));
        await server.DrainPublishQueueAsync();
        Assert.Equal("killed", (await server.StatusAsync("mod-killed")).GetProperty("state").GetString());
        var after = await server.PostAsync("mod-killed", "Posted after the kill, within the cache's lifetime.");
        await server.DrainModerateQueueAsync();

        foreach (var id in new[] { before, after })
        {
            var comment = (await server.CommentAsync("mod-killed", id))!;
            Assert.Equal((CommentStatus.Rejected, ModerationRules.Article), (comment.Status, comment.Rule));
            Assert.Contains("killed", comment.Evidence, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Intake_keeps_a_published_article_for_the_cache_lifetime_or_until_this_instance_publishes_a_change()
    {
        await server.PublishAsync("mod-cache");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new PublishedArticleCache(server.Get<ArticleIndex>(), clock);
        Assert.Null(await cache.GetPublishedAsync("mod-cache-unknown", CancellationToken.None));
        var article = (await cache.GetPublishedAsync("mod-cache", CancellationToken.None))!;

        await server.SubmitAsync(TestArticles.Valid("mod-cache", revision: 2).With("status", "killed"));
        await server.DrainPublishQueueAsync();
        Assert.Same(article, await cache.GetPublishedAsync("mod-cache", CancellationToken.None));
        clock.Advance(PublishedArticleCache.Lifetime);
        Assert.Null(await cache.GetPublishedAsync("mod-cache", CancellationToken.None));

        await server.SubmitAsync(TestArticles.Valid("mod-cache", revision: 3).With("publishedAt", DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        await server.DrainPublishQueueAsync();
        article = (await cache.GetPublishedAsync("mod-cache", CancellationToken.None))!;
        await cache.ArticleChangedAsync(article, CancellationToken.None); // what publishing tells its observers
        Assert.NotSame(article, await cache.GetPublishedAsync("mod-cache", CancellationToken.None));
    }

    [Fact]
    public async Task A_redelivered_message_changes_no_decided_comment_and_renders_once()
    {
        var path = await server.PublishAsync("mod-redelivery");
        var email = server.NewReader().Email;
        var first = await server.PostAsync("mod-redelivery", "Earlier.", email: email);
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync("mod-redelivery", first, "approve");
        var id = await server.PostAsync("mod-redelivery", "Approved by the fast path.", email: email);
        var message = (await server.Queue(Storage.StorageNames.ModerateQueue).PeekMessagesAsync()).Value.Single().MessageText;
        await server.DrainModerateQueueAsync();
        var decided = (await server.CommentAsync("mod-redelivery", id))!;
        var page = await server.PagePropertiesAsync(path);

        var moderator = server.Get<Moderator>();
        await moderator.HandleAsync(message, CancellationToken.None);
        await moderator.HandleAsync(message, CancellationToken.None);

        var after = (await server.CommentAsync("mod-redelivery", id))!;
        Assert.Equal(decided.ETag, after.ETag);
        Assert.Equal(CommentStatus.Approved, after.Status);
        Assert.Equal(page.ETag, (await server.PagePropertiesAsync(path)).ETag);
    }

    private static async Task<bool> IndexedAsync(CommentStore store, string status, string commentId)
    {
        string? continuation = null;
        do
        {
            var (items, next) = await store.ListByStatusAsync(status, continuation, 1000, CancellationToken.None);
            if (items.Any(c => c.CommentId == commentId))
            {
                return true;
            }
            continuation = next;
        }
        while (continuation is not null);
        return false;
    }

    [Fact]
    public async Task The_pipelines_index_writes_landing_after_a_moderators_decision_leave_the_moderators_decision_listed()
    {
        await server.PublishAsync("mod-late-sync");
        var id = await server.PostAsync("mod-late-sync", "Decided twice, close together.");
        var store = server.Get<CommentStore>();
        await server.DrainModerateQueueAsync();
        var pipelines = (await server.CommentAsync("mod-late-sync", id))!;
        Assert.Equal(CommentStatus.Held, pipelines.Status);

        // The moderator approves while the pipeline's sync of "held" is still on its way; its writes land last.
        await server.ModerateAsync("mod-late-sync", id, "approve");
        await store.SyncIndexAsync(pipelines, CommentStatus.Pending, CancellationToken.None);

        Assert.Equal(new Dictionary<string, int> { [CommentStatus.Approved] = 1 }, await store.CountByCommenterAsync(pipelines.EmailHash, CancellationToken.None));
        Assert.True(await IndexedAsync(store, CommentStatus.Approved, id));
        Assert.False(await IndexedAsync(store, CommentStatus.Held, id));

        // And a sync that lands after an erasure takes back what it wrote.
        var approved = (await server.CommentAsync("mod-late-sync", id))!;
        await store.DeleteAsync(approved, CancellationToken.None);
        await store.SyncIndexAsync(approved, null, CancellationToken.None);
        Assert.Empty(await store.CountByCommenterAsync(pipelines.EmailHash, CancellationToken.None));
        Assert.False(await IndexedAsync(store, CommentStatus.Approved, id));
    }

    [Fact]
    public async Task Approval_re_renders_only_that_articles_page_with_the_comment_in_the_static_html()
    {
        var path = await server.PublishAsync("mod-render-a");
        var otherPath = await server.PublishAsync("mod-render-b");
        var id = await server.PostAsync("mod-render-a", "Worth the *wait*.", name: "Rui", website: "https://rui.example.test/");
        await server.DrainModerateQueueAsync();
        Assert.Empty(Html.Parse((await server.PageAsync(path))!).QuerySelectorAll(".comment"));
        var other = await server.PagePropertiesAsync(otherPath);
        var document = await server.Container(Storage.StorageNames.ContentContainer).GetBlobClient("mod-render-a.json").GetPropertiesAsync();

        await server.ModerateAsync("mod-render-a", id, "approve");

        var page = Html.Parse((await server.PageAsync(path))!);
        var comment = page.GetElementById("comment-" + id)!;
        Assert.Equal("Worth the wait.", comment.QuerySelector(".comment-content")!.TextContent.Trim());
        Assert.Equal("wait", comment.QuerySelector(".comment-content em")!.TextContent);
        var author = comment.QuerySelector(".comment-author a")!;
        Assert.Equal(("Rui", "https://rui.example.test/", "nofollow ugc noopener"), (author.TextContent, author.GetAttribute("href"), author.GetAttribute("rel")));
        Assert.Equal("1 Comment", page.GetElementById("comments-title")!.TextContent);
        Assert.Equal(other.ETag, (await server.PagePropertiesAsync(otherPath)).ETag);
        Assert.Equal("1", (await server.PagePropertiesAsync(path)).Metadata["revision"]);
        Assert.Equal(document.Value.ETag, (await server.Container(Storage.StorageNames.ContentContainer).GetBlobClient("mod-render-a.json").GetPropertiesAsync()).Value.ETag);

        await server.ModerateAsync("mod-render-a", id, "reject");
        Assert.Null(Html.Parse((await server.PageAsync(path))!).GetElementById("comment-" + id));
    }
}
