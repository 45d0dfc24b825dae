using Fluid;
using ServerlessNews.Articles;

namespace ServerlessNews.Rendering;

/// <summary>
/// Adds data to an article page when it is rendered (related articles, approved comments), as template
/// variables the theme decides where to show. Registered in DI; every section runs for every render.
/// </summary>
public interface IArticlePageSection
{
    Task ContributeAsync(ArticleDocument document, TemplateContext context, CancellationToken ct);
}
