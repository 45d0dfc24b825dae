using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Http;
using ServerlessNews.Images;
using ServerlessNews.Index;
using ServerlessNews.Moderation;
using ServerlessNews.Operations;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Webhooks;

namespace ServerlessNews;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything both hosts need: settings, storage clients and the handlers they call.</summary>
    public static IServiceCollection AddServerlessNews(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookSecretValidation>();
        services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BrandOptions>().BindConfiguration(BrandOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BrandOptions>, BrandOptionsValidator>();
        services.AddProblemDetails();
        services.AddSingleton<ExceptionProblems>();
        services.AddAzureClients(clients =>
        {
            clients.AddStorageClients(configuration);
            // The SDK's request logging formats every request's and response's headers for an ILogger that
            // drops them below Warning: a measurable share of each storage round trip. Failures still surface
            // as exceptions, and requests are still traced (OpenTelemetry).
            clients.ConfigureDefaults(options => options.Diagnostics.IsLoggingEnabled = false);
        });
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<StorageBootstrap>();
        services.AddHostedService<StorageBootstrapService>();
        services.AddSingleton<StandardWebhookVerifier>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<ArticleStatusKeys>();

        // The tables every part reads and writes.
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<ListingIndex>();
        services.AddSingleton<ListingHeads>();
        services.AddSingleton<SectionIndex>();
        services.AddSingleton<ListingMonths>();
        services.AddSingleton<SitemapMonths>();
        services.AddSingleton<SiteState>();
        services.AddSingleton<RefreshMarkers>();
        services.AddSingleton<LiveListingReader>();

        // The theme, the renderer and what every page shows.
        services.AddSingleton<BodyRenderer>();
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<SiteClock>();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<BrandAssets>();
        services.AddHostedService<BrandAssets.AtStart>();
        services.AddSingleton<PageListingHeads>();
        services.AddSingleton<PageNavigation>();
        services.AddSingleton<NoticePages>();
        services.AddSingleton<IArticlePageSection, SectionNavigationSection>();

        // The publishing pipeline and its ways in.
        services.AddSingleton<Submissions>();
        services.AddSingleton<ArticleContent>();
        services.AddSingleton<ArticlePages>();
        services.AddSingleton<PublishingPipeline>();
        services.AddSingleton<ArticleWebhookHandler>();
        services.AddSingleton<ArticleDeleteHandler>();
        services.AddSingleton<InboxHandler>();
        services.AddSingleton<ArticleStatusHandler>();

        services.AddSitePages();
        services.AddImages();
        services.AddComments();
        services.AddModeration();
        services.AddSingleton<PoisonReplay>();
        services.AddSingleton<SiteBuild>();
        return services;
    }
}
