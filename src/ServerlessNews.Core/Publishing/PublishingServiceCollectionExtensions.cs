using Microsoft.Extensions.DependencyInjection;

namespace ServerlessNews.Publishing;

public static class PublishingServiceCollectionExtensions
{
    /// <summary>The publishing pipeline and its ways in: the webhook, kills by DELETE, the inbox, the status API.</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddSingleton<Submissions>();
        services.AddSingleton<ArticleContent>();
        services.AddSingleton<ArticlePages>();
        services.AddSingleton<PublishingPipeline>();
        services.AddSingleton<ArticleWebhookHandler>();
        services.AddSingleton<ArticleDeleteHandler>();
        services.AddSingleton<InboxHandler>();
        services.AddSingleton<ArticleStatusHandler>();
        return services;
    }
}
