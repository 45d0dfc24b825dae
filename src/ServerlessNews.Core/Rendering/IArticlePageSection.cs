using Fluid;
using ServerlessNews.Articles;

namespace ServerlessNews.Rendering;

/// <summary>
/// Adds data to an article page when it is rendered (related articles, approved comments), as template
/// variables the theme decides where to show. Registered in DI; every section runs for every render.
/// </summary>
public interface IArticlePageSection
{
    /// <summary>
    /// Reads what the section shows and returns how to apply it. The sections of one page read concurrently
    /// (their Table Storage round trips overlap), so reading must not touch the template context; the
    /// returned actions then run one after another, in registration order. Reads that many pages share go
    /// through <paramref name="scope"/>, which makes them once per batch of pages.
    /// </summary>
    Task<Action<TemplateContext>> PrepareAsync(ArticleDocument document, PageView page, RenderScope scope, CancellationToken ct);

    /// <summary>
    /// Starts the reads <see cref="PrepareAsync"/> will make through <paramref name="scope"/>, before the page
    /// is rendered (a publish, while the submission is being stored). Reads only; records nothing.
    /// </summary>
    Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) => Task.CompletedTask;
}
