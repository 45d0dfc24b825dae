using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Comments;

namespace ServerlessNews.Functions;

/// <summary>Reader comments: posting one, asking what became of it, and the reply form without JavaScript.</summary>
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

    /// <summary>The form for a reply to one comment, as a page: where a comment's reply link leads without JavaScript.</summary>
    [Function(nameof(ReplyForm))]
    public Task<IResult> ReplyForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "comments/reply")] HttpRequest request,
        CancellationToken cancellationToken) =>
        intake.ReplyFormAsync(request, cancellationToken);
}
