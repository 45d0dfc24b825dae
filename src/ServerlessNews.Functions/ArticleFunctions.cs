using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Publishing;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>
/// Articles: the CMS's API (publish, status, list, kill), the inbox drop, and the queues that publish them and
/// refresh what they change. Queue and blob triggers let exceptions escape, so the host retries, then poison-queues.
/// </summary>
public sealed class ArticleFunctions(
    ArticleWebhookHandler webhook, ArticleStatusHandler status, ListArticlesHandler list, ArticleDeleteHandler delete,
    InboxHandler inbox, PublishingPipeline publishing, SiteRefresher refresher, SiteMaintenance maintenance)
{
    /// <summary>The CMS publishes or updates an article (Standard Webhooks signature).</summary>
    [Function(nameof(ArticleWebhook))]
    public Task<IResult> ArticleWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "articles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        webhook.HandleAsync(request, cancellationToken);

    /// <summary>Publish state and metadata of one article: in full for the CMS (x-status-key), as its page shows it for anyone.</summary>
    [Function(nameof(GetArticle))]
    public Task<IResult> GetArticle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "articles/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        status.HandleAsync(request, id, cancellationToken);

    /// <summary>Published articles of the site, a section, a tag or an author, newest first, paged.</summary>
    [Function(nameof(ListArticles))]
    public Task<IResult> ListArticles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "articles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        list.HandleAsync(request, cancellationToken);

    /// <summary>The CMS kills an article (signed like the webhook): it leaves the site and every listing.</summary>
    [Function(nameof(DeleteArticle))]
    public Task<IResult> DeleteArticle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "articles/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        delete.HandleAsync(request, id, cancellationToken);

    /// <summary>
    /// A CMS or an editor drops a .json or .md file into inbox/. Event Grid delivers the event: the only
    /// blob trigger source Flex Consumption supports, and it starts within seconds instead of polling. The blob is
    /// bound as a client, not as its bytes, so that a file of any size is measured before it is read.
    /// </summary>
    [Function(nameof(InboxDrop))]
    public Task InboxDrop(
        [BlobTrigger(StorageNames.InboxBlobPath, Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        string name,
        CancellationToken cancellationToken) =>
        inbox.HandleAsync(name, blob, cancellationToken);

    /// <summary>Renders an accepted submission into $web and the index.</summary>
    [Function(nameof(PublishArticle))]
    public Task PublishArticle(
        [QueueTrigger(StorageNames.PublishQueue)] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        publishing.HandleAsync(message, dequeueCount, cancellationToken);

    /// <summary>Renders one derived output (a listing page, feed, sitemap or article page) after publishes marked it.</summary>
    [Function(nameof(RefreshPages))]
    public Task RefreshPages(
        [QueueTrigger(StorageNames.RefreshQueue)] string message,
        CancellationToken cancellationToken) =>
        refresher.HandleAsync(message, cancellationToken);

    /// <summary>
    /// What no publish triggers: the outputs that show the time, at each clock period; a site-wide sweep after a theme
    /// change; refreshes whose messages were lost.
    /// </summary>
    [Function(nameof(MaintainSite))]
    public Task MaintainSite(
        [TimerTrigger(SiteMaintenance.Schedule)] TimerInfo timer,
        CancellationToken cancellationToken) =>
        maintenance.RunAsync(cancellationToken);
}
