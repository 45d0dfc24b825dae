using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;

namespace ServerlessNews.Functions;

/// <summary>The CMS kills an article (signed like the webhook): it leaves the site and every listing.</summary>
public sealed class DeleteArticle(ArticleDeleteHandler handler)
{
    [Function(nameof(DeleteArticle))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "articles/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(request, id, cancellationToken);
}
