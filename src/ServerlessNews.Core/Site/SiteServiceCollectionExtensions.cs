using Fluid;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

public static class SiteServiceCollectionExtensions
{
    /// <summary>Listing pages, feeds, sitemaps, related articles, their refresh and the listing API.</summary>
    public static IServiceCollection AddSitePages(this IServiceCollection services)
    {
        services.AddOptions<RefreshOptions>().BindConfiguration(RefreshOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var members = PageRenderer.Options.MemberAccessStrategy;
        members.Register<ListingItemView>();
        members.Register<ListingPageView>();
        members.Register<SectionBlockView>();

        services.AddSingleton<SitePages>();
        services.AddSingleton<FeedWriter>();
        services.AddSingleton<SitemapWriter>();
        services.AddSingleton<SiteRenderers>();
        services.AddSingleton<SiteFiles>();
        services.AddSingleton<SiteRefreshScheduler>();
        services.AddSingleton<SiteRefresher>();
        services.AddSingleton<SiteSweep>();
        services.AddSingleton<SiteMaintenance>();
        services.AddSingleton<IClockedOutputs, SiteMaintenance.NewsWindow>();
        services.AddSingleton<IArticleStateObserver, SiteLifecycle>();
        services.AddSingleton<RelatedArticles>();
        services.AddSingleton<RelatedPages>();
        services.AddSingleton<ArticlePageRefresh>();
        services.AddSingleton<IArticlePageSection, RelatedArticlesSection>();
        services.AddSingleton<ListArticlesHandler>();
        return services;
    }
}
