using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Functions;

namespace ServerlessNews.DevServer;

/// <summary>The Functions app's HTTP functions on Kestrel, under /api like the Functions host.</summary>
public static class FunctionRoutes
{
    public static IServiceCollection AddFunctionClasses(this IServiceCollection services)
    {
        foreach (var type in FunctionClasses())
        {
            services.AddTransient(type);
        }
        return services;
    }

    /// <summary>Every class in the Functions app with a [Function] method.</summary>
    public static IEnumerable<Type> FunctionClasses() =>
        typeof(ArticleWebhook).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null));

    public static IEndpointRouteBuilder MapFunctionRoutes(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapPost("/articles", (ArticleWebhook f, HttpRequest r, CancellationToken ct) => f.Run(r, ct));
        api.MapGet("/articles/{id}", (GetArticle f, HttpRequest r, string id, CancellationToken ct) => f.Run(r, id, ct));
        api.MapGet("/articles", (ListArticles f, HttpRequest r, CancellationToken ct) => f.Run(r, ct));
        api.MapDelete("/articles/{id}", (DeleteArticle f, HttpRequest r, string id, CancellationToken ct) => f.Run(r, id, ct));
        api.MapPost("/comments", (CommentIntake f, HttpRequest r, CancellationToken ct) => f.Run(r, ct));
        api.MapGet("/comments/pending", (PendingComment f, HttpRequest r, CancellationToken ct) => f.Run(r, ct));
        var moderation = api.MapGroup("/moderation");
        moderation.MapGet("/comments", (ModerationComments f, HttpRequest r, CancellationToken ct) => f.Run(r, ct));
        moderation.MapPost("/comments/{articleId}/{commentId}/{action}",
            (ModerationDecision f, HttpRequest r, string articleId, string commentId, string action, CancellationToken ct) => f.Run(r, articleId, commentId, action, ct));
        moderation.MapPost("/commenters/{action}", (ModerationCommenters f, HttpRequest r, string action, CancellationToken ct) => f.Run(r, action, ct));
        return app;
    }
}
