using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Index;
using ServerlessNews.Moderation;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Security;

/// <summary>The previously-approved fast path: an approved email alone must not approve whatever is posted under it.</summary>
public sealed class KnownCommenterTests(CommentsFixture server) : IClassFixture<CommentsFixture>
{
    /// <summary>Plays the moderate trigger, then reads the comment's verdict.</summary>
    private async Task<(string Status, string? Rule)> VerdictAsync(string articleId, string commentId)
    {
        await server.DrainModerateQueueAsync();
        var comment = (await server.CommentAsync(articleId, commentId))!;
        return (comment.Status, comment.Rule);
    }

    [Fact]
    public async Task An_email_with_an_approved_comment_does_not_approve_a_comment_posted_under_another_name()
    {
        var path = await server.PublishAsync("known-names");
        var email = server.NewReader().Email;
        var first = await server.PostAsync("known-names", "A fair point about the bridge.", name: "Ana Reader", email: email);
        await VerdictAsync("known-names", first);
        await server.ModerateAsync("known-names", first, "approve");

        // Whoever learns that email posts under any name they like.
        var impostor = await server.PostAsync("known-names", "As the editor, I confirm: visit my shop.", name: "The Editor", email: email);
        Assert.Equal((CommentStatus.Held, ModerationRules.PreModeration), await VerdictAsync("known-names", impostor));

        // The same name and email, as WordPress requires, still take the fast path.
        var again = await server.PostAsync("known-names", "Back with another thought.", name: "ana reader", email: email);
        Assert.Equal((CommentStatus.Approved, ModerationRules.KnownCommenter), await VerdictAsync("known-names", again));

        var page = Html.Parse((await server.PageAsync(path))!);
        Assert.Equal(["A fair point about the bridge.", "Back with another thought."], page.QuerySelectorAll(".comment-content").Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public async Task The_fast_path_can_be_turned_off_or_need_more_approved_comments()
    {
        await server.PublishAsync("known-settings");
        var email = server.NewReader().Email;
        var first = await server.PostAsync("known-settings", "One approved comment.", name: "Rui Costa", email: email);
        await VerdictAsync("known-settings", first);
        await server.ModerateAsync("known-settings", first, "approve");
        var keys = server.Get<CommentKeys>();
        var next = new CommentEntity
        {
            ArticleId = "known-settings",
            CommentId = keys.NewCommentId(),
            AuthorName = "Rui Costa",
            EmailHash = keys.EmailHash(email),
            IpHash = keys.IpHash("203.0.113.20"),
            Text = "A second thought.",
            ContentHash = keys.ContentHash(keys.EmailHash(email), "A second thought."),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Task<Verdict> DecideAsync(ModerationOptions options) => new ModerationPipeline(
            server.Get<CommentStore>(), server.Get<ArticleIndex>(), server.Get<FloodRecord>(), server.Get<ICommentClassifier>(),
            Options.Create(options), server.Get<IOptions<CommentOptions>>()).DecideAsync(next, CancellationToken.None);

        Assert.Equal(ModerationRules.KnownCommenter, (await DecideAsync(new ModerationOptions())).Rule);
        Assert.Equal(ModerationRules.PreModeration, (await DecideAsync(new ModerationOptions { KnownCommenter = KnownCommenterRule.Off })).Rule);
        Assert.Equal(ModerationRules.PreModeration, (await DecideAsync(new ModerationOptions { KnownCommenterMinApproved = 2 })).Rule);

        var second = await server.PostAsync("known-settings", "Another approved one.", name: "Rui Costa", email: email);
        await VerdictAsync("known-settings", second);
        await server.ModerateAsync("known-settings", second, "approve");
        var verdict = await DecideAsync(new ModerationOptions { KnownCommenterMinApproved = 2 });
        Assert.Equal((CommentStatus.Approved, ModerationRules.KnownCommenter), (verdict.Status, verdict.Rule));
        Assert.Contains("2 approved comments", verdict.Evidence, StringComparison.Ordinal);
    }
}
