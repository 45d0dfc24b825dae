using ServerlessNews.Functions;

namespace ServerlessNews.DevServer.Apis;

/// <summary>The CMS's API: publish (the webhook), status, list and kill, as the Functions app's <see cref="ArticleFunctions"/>.</summary>
public static class ArticlesApi
{
    public static RouteGroupBuilder MapArticlesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/articles", (ArticleFunctions f, HttpRequest r, CancellationToken ct) => f.ArticleWebhook(r, ct));
        api.MapGet("/articles/{id}", (ArticleFunctions f, HttpRequest r, string id, CancellationToken ct) => f.GetArticle(r, id, ct));
        api.MapGet("/articles", (ArticleFunctions f, HttpRequest r, CancellationToken ct) => f.ListArticles(r, ct));
        api.MapDelete("/articles/{id}", (ArticleFunctions f, HttpRequest r, string id, CancellationToken ct) => f.DeleteArticle(r, id, ct));
        return api;
    }
}
