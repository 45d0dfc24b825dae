using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Comments;

namespace ServerlessNews.Functions;

/// <summary>Reader comments: posting one, and asking what became of it.</summary>
public sealed class CommentFunctions(CommentIntakeHandler intake, CommentStatusHandler status)
{
    /// <summary>A reader posts a comment (the article page's form, or JSON); it is stored as pending and queued for moderation.</summary>
    [Function(nameof(CommentIntake))]
    public Task<IResult> CommentIntake(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "comments")] HttpRequest request,
        CancellationToken cancellationToken) =>
        intake.HandleAsync(request, cancellationToken);

    /// <summary>The author of a comment asks what became of it, with the signed token they were given.</summary>
    [Function(nameof(PendingComment))]
    public Task<IResult> PendingComment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "comments/pending")] HttpRequest request,
        CancellationToken cancellationToken) =>
        status.HandleAsync(request, cancellationToken);
}
