using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Site;

namespace ServerlessNews.Functions;

/// <summary>Published articles of the site, a section, a tag or an author, newest first, paged.</summary>
public sealed class ListArticles(ListArticlesHandler handler)
{
    [Function(nameof(ListArticles))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "articles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(request, cancellationToken);
}
