using Microsoft.Extensions.DependencyInjection;

namespace ServerlessNews.Index;

public static class IndexServiceCollectionExtensions
{
    /// <summary>The tables every part reads and writes: articles, listings and their heads.</summary>
    public static IServiceCollection AddIndex(this IServiceCollection services)
    {
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<ListingIndex>();
        services.AddSingleton<ListingHeads>();
        services.AddSingleton<SectionIndex>();
        services.AddSingleton<ListingMonths>();
        services.AddSingleton<RefreshMarkers>();
        services.AddSingleton<RelatedArticleRecords>();
        return services;
    }
}
