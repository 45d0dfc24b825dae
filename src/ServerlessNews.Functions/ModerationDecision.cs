using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Moderation;

namespace ServerlessNews.Functions;

/// <summary>A moderator approves, rejects or marks a comment as spam; the article page follows.</summary>
public sealed class ModerationDecision(ModerationApiHandler handler)
{
    [Function(nameof(ModerationDecision))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "moderation/comments/{articleId}/{commentId}/{action}")] HttpRequest request,
        string articleId,
        string commentId,
        string action,
        CancellationToken cancellationToken) =>
        handler.DecideAsync(request, articleId, commentId, action, cancellationToken);
}
