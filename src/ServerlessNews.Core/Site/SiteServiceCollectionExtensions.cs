using Fluid;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

public static class SiteServiceCollectionExtensions
{
    /// <summary>Listings, feeds, sitemaps, related articles, the listing API and kills by DELETE.</summary>
    public static IServiceCollection AddSitePages(this IServiceCollection services)
    {
        services.AddOptions<RefreshOptions>().BindConfiguration(RefreshOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var members = PageRenderer.Options.MemberAccessStrategy;
        members.Register<ListingItemView>();
        members.Register<ListingPageView>();

        services.AddSingleton<PageListingHeads>();
        services.AddSingleton<SiteNavigation>();
        services.AddSingleton<SitePages>();
        services.AddSingleton<FeedWriter>();
        services.AddSingleton<SitemapWriter>();
        services.AddSingleton<SiteRefreshScheduler>();
        services.AddSingleton<SiteRefresher>();
        services.AddSingleton<IArticleStateObserver, SiteLifecycle>();
        services.AddSingleton<IArticlePageSection, SectionNavigationSection>();
        services.AddSingleton<IArticlePageSection, RelatedArticlesSection>();
        services.AddSingleton<ListArticlesHandler>();
        services.AddSingleton<ArticleDeleteHandler>();
        return services;
    }
}
