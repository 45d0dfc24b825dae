using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;

namespace ServerlessNews.Functions;

/// <summary>The CMS publishes or updates an article (Standard Webhooks signature).</summary>
public sealed class ArticleWebhook(ArticleWebhookHandler handler)
{
    [Function(nameof(ArticleWebhook))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "articles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(request, cancellationToken);
}
