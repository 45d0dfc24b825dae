using Fluid;
using ServerlessNews.Articles;
using ServerlessNews.Index;

namespace ServerlessNews.Rendering;

/// <summary>Gives article pages the same navigation and feed links as every other page.</summary>
public sealed class SectionNavigationSection(PageNavigation navigation, PageListingHeads heads) : IArticlePageSection
{
    public async Task<Action<TemplateContext>> PrepareAsync(ArticleDocument document, PageView page, RenderScope scope, CancellationToken ct)
    {
        heads.Prefetch(document, scope, ct);
        var decorated = navigation.Decorate(page, ListingRef.Section(document.Article.Section), await navigation.SectionsAsync(scope, ct));
        return context => context.SetValue("page", decorated);
    }

    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        heads.Prefetch(document, scope, ct);
        return navigation.SectionsAsync(scope, ct);
    }
}
