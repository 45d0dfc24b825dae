using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessNews.Articles;
using ServerlessNews.Comments;
using ServerlessNews.Http;

namespace ServerlessNews.Moderation;

/// <summary>
/// <c>/api/moderation/...</c>: list comments by status with the rule and evidence of each verdict, decide,
/// and export or erase a commenter. Never anonymous: every action first asks <see cref="ModerationCredential"/>, on
/// every host. No answer contains an email address or a hash of one.
/// </summary>
public sealed partial class ModerationApiHandler(
    CommentStore store, Moderator moderator, CommentPages commentPages, CommentKeys keys, ModerationCredential credential, FloodRecord flood,
    TimeProvider time, ILogger<ModerationApiHandler> logger)
{
    public const string KeyHeader = ModerationCredential.KeyHeader;
    public const int PageSize = 50;

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
    {
        if (Refuse(request) is { } refused)
        {
            return refused;
        }
        var status = request.Query["status"].ToString();
        status = status.Length == 0 ? CommentStatus.Held : status;
        if (!CommentStatus.All.Contains(status))
        {
            return Problems.Validation(new() { ["status"] = [$"Use one of: {string.Join(", ", CommentStatus.All)}."] });
        }
        var continuation = request.Query["continuation"].ToString();
        var (items, next) = await store.ListByStatusAsync(status, continuation.Length == 0 ? null : continuation, PageSize, ct);
        return TypedResults.Ok(new CommentList(status, items.Select(ModeratedComment.From).ToArray(), next));
    }

    public async Task<IResult> DecideAsync(HttpRequest request, string articleId, string commentId, string action, CancellationToken ct)
    {
        if (Refuse(request) is { } refused)
        {
            return refused;
        }
        var errors = new ValidationErrors();
        if (!SubmissionParser.IsValidArticleId(articleId))
        {
            errors.Add("articleId", "is not an article id.");
        }
        if (!CommentKeys.IsCommentId(commentId))
        {
            errors.Add("commentId", "is not a comment id.");
        }
        var status = action switch
        {
            "approve" => CommentStatus.Approved,
            "reject" => CommentStatus.Rejected,
            "spam" => CommentStatus.Spam,
            _ => null,
        };
        if (status is null)
        {
            errors.Add("action", "Use approve, reject or spam.");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        var comment = await moderator.DecideAsync(articleId, commentId, status!, "moderator", ct);
        return comment is null
            ? Problems.NotFound($"No comment {commentId} on article {articleId}.")
            : TypedResults.Ok(ModeratedComment.From(comment));
    }

    /// <summary><c>export</c> returns every comment of the commenter; <c>erase</c> deletes them everywhere and re-renders the pages that showed them.</summary>
    public async Task<IResult> CommentersAsync(HttpRequest request, string action, CancellationToken ct)
    {
        if (Refuse(request) is { } refused)
        {
            return refused;
        }
        if (action is not ("export" or "erase"))
        {
            return Problems.Validation(new() { ["action"] = ["Use export or erase."] });
        }
        if (!RequestBody.HasMediaType(request, "application/json"))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Send { \"email\": \"…\" } as application/json.");
        }
        var body = await RequestBody.ReadLimitedAsync(request, 4096, ct);
        var errors = new ValidationErrors();
        var email = body is null ? null : CommentForm.FromJson(body, errors)?.Email;
        if (string.IsNullOrWhiteSpace(email))
        {
            if (errors.IsEmpty)
            {
                errors.Add("email", "is required.");
            }
            return Problems.Validation(errors.ToDictionary());
        }
        var emailHash = keys.EmailHash(email);
        if (action == "export")
        {
            var found = await store.ListByCommenterAsync(emailHash, ct);
            return TypedResults.Ok(new CommenterExport(found.Select(ModeratedComment.From).ToArray()));
        }
        return TypedResults.Ok(await EraseAsync(emailHash, ct));
    }

    /// <summary>
    /// Erases a commenter everywhere, safe to repeat: every step finds its work done or does it, and the pages to
    /// re-render are recorded before any comment is deleted, so a retry after a failure anywhere finishes the job.
    /// </summary>
    public async Task<CommenterErased> EraseAsync(string emailHash, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // First: a comment not yet registered under the commenter (still in the moderate queue) is erased by the
        // moderator when it gets there.
        var unfinished = await store.BeginErasureAsync(emailHash, now, ct);
        var comments = await store.ListByCommenterAsync(emailHash, ct);
        var pages = comments.Where(c => c.Status == CommentStatus.Approved).Select(c => c.ArticleId)
            .Union(unfinished, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await store.RecordErasurePagesAsync(emailHash, pages, ct);

        foreach (var comment in comments)
        {
            // The address's flood row names the comment: it goes too.
            await flood.ForgetAsync(comment, ct);
            await store.DeleteAsync(comment, ct);
        }
        foreach (var articleId in pages)
        {
            await commentPages.ChangedAsync(articleId, ct);
            await commentPages.RefreshAsync(articleId, ct);
        }
        // Last, so that a retry after a failure above still finds the commenter's rows.
        await store.DeleteCommenterAsync(emailHash, ct);
        await store.CompleteErasureAsync(emailHash, now, ct);
        LogErased(comments.Count, pages.Length);
        return new CommenterErased(comments.Count, pages);
    }

    /// <summary>401 unless the moderation key is presented.</summary>
    public IResult? Refuse(HttpRequest request) => credential.Refuse(request);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased a commenter: {Comments} comments, {Pages} pages re-rendered")]
    private partial void LogErased(int comments, int pages);
}

/// <summary>A comment as moderators see it: the verdict's rule and evidence, never the email or address.</summary>
public sealed record ModeratedComment(
    string ArticleId,
    string Id,
    string? ParentId,
    string Name,
    string? Website,
    string Comment,
    string Status,
    string? Rule,
    string? Evidence,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy)
{
    public static ModeratedComment From(CommentEntity c) =>
        new(c.ArticleId, c.CommentId, c.ParentId, c.AuthorName, c.Website, c.Text, c.Status, c.Rule, c.Evidence, c.CreatedAt, c.DecidedAt, c.DecidedBy);
}

public sealed record CommentList(string Status, IReadOnlyList<ModeratedComment> Items, string? Continuation);

public sealed record CommenterExport(IReadOnlyList<ModeratedComment> Comments);

public sealed record CommenterErased(int Erased, IReadOnlyList<string> PagesRerendered);
