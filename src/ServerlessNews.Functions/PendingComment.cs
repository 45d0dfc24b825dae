using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Comments;

namespace ServerlessNews.Functions;

/// <summary>The author of a comment asks what became of it, with the signed token they were given.</summary>
public sealed class PendingComment(CommentStatusHandler handler)
{
    [Function(nameof(PendingComment))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "comments/pending")] HttpRequest request,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(request, cancellationToken);
}
