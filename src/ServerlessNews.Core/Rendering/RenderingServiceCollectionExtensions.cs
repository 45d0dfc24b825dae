using Microsoft.Extensions.DependencyInjection;

namespace ServerlessNews.Rendering;

public static class RenderingServiceCollectionExtensions
{
    /// <summary>The theme, the renderer and what every page shows: the site's navigation.</summary>
    public static IServiceCollection AddRendering(this IServiceCollection services)
    {
        services.AddSingleton<BodyRenderer>();
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<PageListingHeads>();
        services.AddSingleton<PageNavigation>();
        services.AddSingleton<NoticePages>();
        services.AddSingleton<IArticlePageSection, SectionNavigationSection>();
        return services;
    }
}
