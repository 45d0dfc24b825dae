using ServerlessNews.Functions;

namespace ServerlessNews.DevServer.Apis;

/// <summary>Readers' comments: post one, ask what became of it, the reply form without JavaScript, as the Functions app's <see cref="CommentFunctions"/>.</summary>
public static class CommentsApi
{
    public static RouteGroupBuilder MapCommentsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/comments", (CommentFunctions f, HttpRequest r, CancellationToken ct) => f.CommentIntake(r, ct));
        api.MapGet("/comments/pending", (CommentFunctions f, HttpRequest r, CancellationToken ct) => f.PendingComment(r, ct));
        api.MapGet("/comments/reply", (CommentFunctions f, HttpRequest r, CancellationToken ct) => f.ReplyForm(r, ct));
        return api;
    }
}
