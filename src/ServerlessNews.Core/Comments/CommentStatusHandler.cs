using Microsoft.AspNetCore.Http;
using ServerlessNews.Http;

namespace ServerlessNews.Comments;

/// <summary>
/// <c>GET /api/comments/pending</c> with the <c>Comment-Token</c> header (or <c>?token=</c>): what became of the comment
/// a signed token (handed out when it was posted) refers to. Only its status: the author holds the token, so nothing
/// beyond what they know is revealed. The page's script sends the header, so the token stays out of URLs and logs.
/// </summary>
public sealed class CommentStatusHandler(CommentStore store, CommentKeys keys)
{
    public const string TokenHeader = "Comment-Token";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var token = request.Headers[TokenHeader].ToString() is { Length: > 0 } header ? header : request.Query["token"].ToString();
        if (keys.ReadPendingToken(token) is not { } ids)
        {
            return Problems.Validation(new() { ["token"] = ["is missing, malformed or expired."] });
        }
        var comment = await store.GetAsync(ids.ArticleId, ids.CommentId, ct);
        var status = comment switch
        {
            null => "removed",
            // Approved once its page shows it, so that the author who reloads finds it there.
            { Status: CommentStatus.Approved, PageCurrent: true } => CommentStatus.Approved,
            // A rejection (a moderator's, a closed article's, a duplicate's) is told, so the author stops waiting; spam
            // is not told apart from waiting, so a spammer learns nothing from the answer.
            { Status: CommentStatus.Rejected } => CommentStatus.Rejected,
            _ => "awaiting moderation",
        };
        return TypedResults.Ok(new PendingCommentStatus(ids.ArticleId, ids.CommentId, status));
    }
}

public sealed record PendingCommentStatus(string ArticleId, string Id, string Status);
