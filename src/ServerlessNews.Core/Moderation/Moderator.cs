using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessNews.Comments;

namespace ServerlessNews.Moderation;

/// <summary>
/// Decides comments and keeps their article pages current. The <c>moderate</c> message records and registers a
/// pending comment (row of record and commenter row: intake wrote only its pending index row), erases it if its commenter
/// was erased while it waited, and runs the pipeline on it; moderators' decisions come through
/// <see cref="DecideAsync"/>. Idempotent: a re-delivered message finds the comment decided and its page
/// current, and does nothing.
/// </summary>
public sealed partial class Moderator(
    CommentStore store, ModerationPipeline pipeline, CommentPages pages, TimeProvider time, ILogger<Moderator> logger)
{
    public async Task HandleAsync(string messageText, CancellationToken ct)
    {
        var message = JsonSerializer.Deserialize(messageText, CommentsJsonContext.Default.ModerateMessage)
            ?? throw new InvalidOperationException("Empty moderate message.");
        var registered = false;
        while (true)
        {
            var comment = await store.GetAsync(message.ArticleId, message.CommentId, ct);
            if (comment is null)
            {
                LogGone(message.ArticleId, message.CommentId);
                return; // erased meanwhile
            }
            if (!comment.Recorded)
            {
                await store.RecordAsync(comment, ct);
                continue;
            }
            if (comment.Status != CommentStatus.Pending)
            {
                // Decided already (a re-delivery, or a moderator was faster): finish what a crash may have left.
                await store.SyncIndexAsync(comment, null, ct);
                await EnsurePageCurrentAsync(comment, ct);
                return;
            }
            if (!registered)
            {
                // Listed and findable by its commenter from here on, also if a rule below keeps failing. Then the
                // erasure check: an erasure that listed the commenter's comments before this registration wrote
                // its time first, so one of the two always finds this comment.
                await store.RegisterAsync(comment, ct);
                registered = true;
                if (await store.GetErasedAtAsync(comment.EmailHash, ct) is { } erasedAt && comment.CreatedAt <= erasedAt)
                {
                    await store.DeleteAsync(comment, ct);
                    LogErasedWhileQueued(comment.ArticleId, comment.CommentId);
                    return;
                }
            }
            var verdict = await pipeline.DecideAsync(comment, ct);
            if (await TryApplyAsync(comment, verdict, "pipeline", ct))
            {
                LogDecided(comment.ArticleId, comment.CommentId, verdict.Status, verdict.Rule);
                await EnsurePageCurrentAsync(comment, ct);
                return;
            }
        }
    }

    /// <summary>A moderator's decision: applied whatever the current status, the page re-rendered if it shows a change.</summary>
    /// <returns>The comment after the decision, or null when it does not exist.</returns>
    public async Task<CommentEntity?> DecideAsync(string articleId, string commentId, string status, string decidedBy, CancellationToken ct)
    {
        while (true)
        {
            var comment = await store.GetAsync(articleId, commentId, ct);
            if (comment is null)
            {
                return null;
            }
            if (!comment.Recorded)
            {
                // Decided before its message reached a moderator: recorded here, and the message finds it decided.
                await store.RecordAsync(comment, ct);
                continue;
            }
            if (comment.Status == status)
            {
                await EnsurePageCurrentAsync(comment, ct);
                return comment;
            }
            var verdict = new Verdict(status, ModerationRules.Moderator, $"A moderator changed the status from {comment.Status} to {status}.");
            if (await TryApplyAsync(comment, verdict, decidedBy, ct))
            {
                LogDecided(articleId, commentId, status, verdict.Rule);
                await EnsurePageCurrentAsync(comment, ct);
                return comment;
            }
        }
    }

    private async Task<bool> TryApplyAsync(CommentEntity comment, Verdict verdict, string decidedBy, CancellationToken ct)
    {
        var previous = comment.Status;
        comment.Status = verdict.Status;
        comment.Rule = verdict.Rule;
        comment.Evidence = verdict.Evidence;
        comment.DecidedAt = time.GetUtcNow();
        comment.DecidedBy = decidedBy;
        // Only a change into or out of "approved" changes what the page shows.
        comment.PageCurrent = comment.PageCurrent && previous != CommentStatus.Approved && verdict.Status != CommentStatus.Approved;
        return await store.TryUpdateAsync(comment, previous, ct);
    }

    private async Task EnsurePageCurrentAsync(CommentEntity comment, CancellationToken ct)
    {
        if (comment.PageCurrent)
        {
            return;
        }
        await pages.ChangedAsync(comment.ArticleId, ct);
        await pages.RefreshAsync(comment.ArticleId, ct);
        await store.MarkPageCurrentAsync(comment, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Comment {CommentId} on article {ArticleId}: {Status} by rule {Rule}")]
    private partial void LogDecided(string articleId, string commentId, string status, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Comment {CommentId} on article {ArticleId} was erased: its commenter was erased while it waited for moderation")]
    private partial void LogErasedWhileQueued(string articleId, string commentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Comment {CommentId} on article {ArticleId} no longer exists; nothing to moderate")]
    private partial void LogGone(string articleId, string commentId);
}
