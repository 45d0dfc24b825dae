using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>
/// Moderation: the pipeline that decides each new comment, and the moderators' API. The API's routes are anonymous
/// to the host: the handler checks the moderation key (<see cref="ModerationCredential"/>), the one gate on every host.
/// </summary>
public sealed class ModerationFunctions(Moderator moderator, ModerationApiHandler api)
{
    /// <summary>Runs the moderation pipeline on a new comment. Exceptions escape so the host retries, then poison-queues.</summary>
    [Function(nameof(ModerateComment))]
    public Task ModerateComment(
        [QueueTrigger(StorageNames.ModerateQueue)] string message,
        CancellationToken cancellationToken) =>
        moderator.HandleAsync(message, cancellationToken);

    /// <summary>Moderators list comments by status, with the rule and evidence behind each verdict.</summary>
    [Function(nameof(ModerationComments))]
    public Task<IResult> ModerationComments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation/comments")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ListAsync(request, cancellationToken);

    /// <summary>A moderator approves, rejects or marks a comment as spam; the article page follows.</summary>
    [Function(nameof(ModerationDecision))]
    public Task<IResult> ModerationDecision(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "moderation/comments/{articleId}/{commentId}/{action}")] HttpRequest request,
        string articleId,
        string commentId,
        string action,
        CancellationToken cancellationToken) =>
        api.DecideAsync(request, articleId, commentId, action, cancellationToken);

    /// <summary>A commenter's data by email (GDPR): export it, or erase it everywhere and re-render the pages it was on.</summary>
    [Function(nameof(ModerationCommenters))]
    public Task<IResult> ModerationCommenters(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "moderation/commenters/{action}")] HttpRequest request,
        string action,
        CancellationToken cancellationToken) =>
        api.CommentersAsync(request, action, cancellationToken);
}
