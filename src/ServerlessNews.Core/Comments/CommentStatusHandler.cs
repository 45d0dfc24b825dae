using Microsoft.AspNetCore.Http;
using ServerlessNews.Http;

namespace ServerlessNews.Comments;

/// <summary>
/// <c>GET /api/comments/pending?token=</c>: what became of the comment a signed token (handed out when it was
/// posted) refers to. Only its status: the author holds the token, so nothing beyond what they know is revealed.
/// </summary>
public sealed class CommentStatusHandler(CommentStore store, CommentKeys keys)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        if (keys.ReadPendingToken(request.Query["token"].ToString()) is not { } ids)
        {
            return Problems.Validation(new() { ["token"] = ["is missing, malformed or expired."] });
        }
        var comment = await store.GetAsync(ids.ArticleId, ids.CommentId, ct);
        var status = comment?.Status switch
        {
            null => "removed",
            CommentStatus.Approved => CommentStatus.Approved,
            // Spam and rejection are not told apart from waiting, so a spammer learns nothing from the answer.
            CommentStatus.Spam or CommentStatus.Rejected or CommentStatus.Held or CommentStatus.Pending => "awaiting moderation",
            _ => "awaiting moderation",
        };
        return TypedResults.Ok(new PendingCommentStatus(ids.ArticleId, ids.CommentId, status));
    }
}

public sealed record PendingCommentStatus(string ArticleId, string Id, string Status);
