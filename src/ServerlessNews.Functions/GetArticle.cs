using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;

namespace ServerlessNews.Functions;

/// <summary>Publish state and metadata of one article: in full for the CMS (x-status-key), as its page shows it for anyone.</summary>
public sealed class GetArticle(ArticleStatusHandler handler)
{
    [Function(nameof(GetArticle))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "articles/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(request, id, cancellationToken);
}
