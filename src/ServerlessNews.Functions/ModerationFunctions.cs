using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>
/// Moderation: the pipeline that decides each new comment, and the moderators' API. The API's routes are anonymous
/// to the host: the handler checks the moderation key (<see cref="ModerationCredential"/>), the one gate on every host.
/// </summary>
public sealed class ModerationFunctions(Moderator moderator, ModerationApiHandler api, ModerationConsole console)
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

    /// <summary>The moderators' console: the queue for a signed-in moderator, else the sign-in page.</summary>
    [Function(nameof(ModerationConsolePage))]
    public Task<IResult> ModerationConsolePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation")] HttpRequest request,
        CancellationToken cancellationToken) =>
        console.PageAsync(request, cancellationToken);

    /// <summary>The console's forms: decisions (one, bulk, undo), export, erasure, sign-out; CSRF-checked.</summary>
    [Function(nameof(ModerationConsoleAction))]
    public Task<IResult> ModerationConsoleAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "moderation")] HttpRequest request,
        CancellationToken cancellationToken) =>
        console.PostAsync(request, cancellationToken);

    /// <summary>The console's sign-in: the moderation key, typed once, for a session cookie.</summary>
    [Function(nameof(ModerationSignIn))]
    public Task<IResult> ModerationSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "moderation/signin")] HttpRequest request,
        CancellationToken cancellationToken) =>
        console.SignInAsync(request, cancellationToken);

    /// <summary>The console's live updates: the queue as JSON, each item with its rendered HTML.</summary>
    [Function(nameof(ModerationQueue))]
    public Task<IResult> ModerationQueue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation/queue")] HttpRequest request,
        CancellationToken cancellationToken) =>
        console.QueueAsync(request, cancellationToken);
}
