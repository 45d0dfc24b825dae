namespace ServerlessNews;

/// <param name="Name">The app setting's name (sections joined with <c>__</c>).</param>
/// <param name="DeployedToAzure">True when the Bicep must set it; false for local-only settings and safe defaults.</param>
public sealed record AppSetting(string Name, bool DeployedToAzure);

/// <summary>
/// Every setting the app reads from its environment. A test holds this list, the options classes and the
/// Bicep's app settings to each other, so that no setting is read but never deployed, or deployed but never read.
/// </summary>
public static class AppSettings
{
    public static readonly IReadOnlyList<AppSetting> All =
    [
        new("AzureWebJobsStorage", DeployedToAzure: false), // a connection string: local (Azurite) only
        new("AzureWebJobsStorage__accountName", DeployedToAzure: true),
        new("AzureWebJobsStorage__credential", DeployedToAzure: true),
        new("AzureWebJobsStorage__clientId", DeployedToAzure: true),
        new("AzureWebJobsStorage__blobServiceUri", DeployedToAzure: false),
        new("AzureWebJobsStorage__queueServiceUri", DeployedToAzure: false),
        new("AzureWebJobsStorage__tableServiceUri", DeployedToAzure: false),
        new("Webhooks__Secret", DeployedToAzure: true),
        new("Webhooks__Tolerance", DeployedToAzure: false),
        new("Webhooks__MaxBodyBytes", DeployedToAzure: false),
        new("Webhooks__PublishInline", DeployedToAzure: false),
        new("Moderation__Key", DeployedToAzure: true),
        new("Moderation__HashKey", DeployedToAzure: true), // apart from Moderation__Key, so rotating the key keeps the hashes
        new("Moderation__Mode", DeployedToAzure: false),
        new("Moderation__HoldWords", DeployedToAzure: false),
        new("Moderation__SpamWords", DeployedToAzure: false),
        new("Moderation__LinkHoldThreshold", DeployedToAzure: false),
        new("Moderation__KnownCommenter", DeployedToAzure: false),
        new("Moderation__KnownCommenterMinApproved", DeployedToAzure: false),
        new("Moderation__Classifier", DeployedToAzure: false),
        new("Moderation__ClassifierEndpoint", DeployedToAzure: false),
        new("Moderation__FailedKeyLimit", DeployedToAzure: false),
        new("Moderation__FailedKeyWindow", DeployedToAzure: false),
        new("Comments__MaxLength", DeployedToAzure: false),
        new("Comments__CloseAfterDays", DeployedToAzure: false),
        new("Comments__MaxDepth", DeployedToAzure: false),
        new("Comments__FloodWindow", DeployedToAzure: false),
        new("Comments__ArticleRateLimit", DeployedToAzure: false),
        new("Comments__SiteRateLimit", DeployedToAzure: false),
        new("Comments__AllowedOrigins", DeployedToAzure: false), // the origin of Site__BaseUrl when not set
        new("Comments__ApiBaseUrl", DeployedToAzure: true), // the Function App's URL: the static site has no /api
        new("Comments__TrustForwardedFor", DeployedToAzure: false),
        new("Comments__PendingTokenLifetime", DeployedToAzure: false),
        new("Site__BaseUrl", DeployedToAzure: true),
        new("Site__Name", DeployedToAzure: true),
        new("Site__Language", DeployedToAzure: true),
        new("Site__TemplateRefresh", DeployedToAzure: false),
        new("Site__ClockPeriod", DeployedToAzure: false),
        new("Brand__Logo", DeployedToAzure: false), // every Brand__ default is a file the site writes itself
        new("Brand__LogoWidth", DeployedToAzure: false),
        new("Brand__LogoHeight", DeployedToAzure: false),
        new("Brand__Favicon", DeployedToAzure: false),
        new("Brand__SocialImage", DeployedToAzure: false),
        new("Brand__SocialImageWidth", DeployedToAzure: false),
        new("Brand__SocialImageHeight", DeployedToAzure: false),
        new("Brand__FooterLinks", DeployedToAzure: false),
        new("Images__MaxBytes", DeployedToAzure: false),
        new("Images__MaxPixels", DeployedToAzure: false),
        new("Images__MaxRerenders", DeployedToAzure: false),
        new("Refresh__Delay", DeployedToAzure: false),
        new("Refresh__StaleMarkerAfter", DeployedToAzure: false),
        new("Refresh__FrontPageSize", DeployedToAzure: false),
        new("Refresh__FrontPages", DeployedToAzure: false),
        new("Refresh__HomeSectionBlocks", DeployedToAzure: false),
        new("Refresh__HomeSectionItems", DeployedToAzure: false),
        new("Refresh__ArchivePageSize", DeployedToAzure: false),
        new("Refresh__FeedItems", DeployedToAzure: false),
        new("Refresh__SitemapShardSize", DeployedToAzure: false),
        new("Refresh__NewsWindow", DeployedToAzure: false),
        new("Refresh__NewsMaxUrls", DeployedToAzure: false),
        new("Refresh__RelatedCount", DeployedToAzure: false),
        new("Refresh__RelatedWindow", DeployedToAzure: false),
        new("Refresh__RelatedTagWeight", DeployedToAzure: false),
        new("Refresh__RelatedSectionWeight", DeployedToAzure: false),
        new("Refresh__SweepChunk", DeployedToAzure: false),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", DeployedToAzure: true),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", DeployedToAzure: true),
    ];
}
