using ServerlessNews.Functions;

namespace ServerlessNews.DevServer.Apis;

/// <summary>
/// The moderators' API and console, as the Functions app's <see cref="ModerationFunctions"/>: the handler checks the moderation
/// key itself, so both hosts have the same one gate.
/// </summary>
public static class ModerationApi
{
    public static RouteGroupBuilder MapModerationApi(this RouteGroupBuilder api)
    {
        var moderation = api.MapGroup("/moderation");
        moderation.MapGet("/comments", (ModerationFunctions f, HttpRequest r, CancellationToken ct) => f.ModerationComments(r, ct));
        moderation.MapPost("/comments/{articleId}/{commentId}/{action}",
            (ModerationFunctions f, HttpRequest r, string articleId, string commentId, string action, CancellationToken ct) => f.ModerationDecision(r, articleId, commentId, action, ct));
        api.MapGet("/moderation", (ModerationFunctions f, HttpRequest r, CancellationToken ct) => f.ModerationConsolePage(r, ct));
        api.MapPost("/moderation", (ModerationFunctions f, HttpRequest r, CancellationToken ct) => f.ModerationConsoleAction(r, ct));
        moderation.MapPost("/signin", (ModerationFunctions f, HttpRequest r, CancellationToken ct) => f.ModerationSignIn(r, ct));
        moderation.MapGet("/queue", (ModerationFunctions f, HttpRequest r, CancellationToken ct) => f.ModerationQueue(r, ct));
        moderation.MapPost("/commenters/{action}", (ModerationFunctions f, HttpRequest r, string action, CancellationToken ct) => f.ModerationCommenters(r, action, ct));
        return api;
    }
}
