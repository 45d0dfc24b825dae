using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Comments;

namespace ServerlessNews.Functions;

/// <summary>A reader posts a comment (the article page's form, or JSON); it is stored as pending and queued for moderation.</summary>
public sealed class CommentIntake(CommentIntakeHandler handler)
{
    [Function(nameof(CommentIntake))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "comments")] HttpRequest request,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(request, cancellationToken);
}
