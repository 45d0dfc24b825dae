using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Index;
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
        services.AddProblemDetails();
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
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<ArticleIngest>();
        services.AddSingleton<BodyRenderer>();
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<Publisher>();
        services.AddSingleton<InboxHandler>();
        services.AddSingleton<ArticleWebhookHandler>();
        services.AddSingleton<ArticleStatusHandler>();
        services.AddSingleton<PoisonReplay>();
        services.AddSingleton<SiteRebuild>();
        services.AddSitePages();
        services.AddComments();
        return services;
    }
}
