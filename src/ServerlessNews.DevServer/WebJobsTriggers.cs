using Azure.Storage.Blobs;
using Microsoft.Azure.WebJobs;
using ServerlessNews.Functions;
using ServerlessNews.Storage;

namespace ServerlessNews.DevServer;

/// <summary>
/// The Functions app's queue and blob functions, bound by the WebJobs SDK. Each method only adapts the
/// trigger to the same function class the Functions host runs.
/// </summary>
public sealed class WebJobsTriggers(IServiceProvider services)
{
    [FunctionName(nameof(PublishArticle))]
    public Task PublishArticle([QueueTrigger(StorageNames.PublishQueue)] string message, long dequeueCount, CancellationToken ct) =>
        services.GetRequiredService<ArticleFunctions>().PublishArticle(message, dequeueCount, ct);

    [FunctionName(nameof(RefreshPages))]
    public Task RefreshPages([QueueTrigger(StorageNames.RefreshQueue)] string message, CancellationToken ct) =>
        services.GetRequiredService<ArticleFunctions>().RefreshPages(message, ct);

    [FunctionName(nameof(ModerateComment))]
    public Task ModerateComment([QueueTrigger(StorageNames.ModerateQueue)] string message, CancellationToken ct) =>
        services.GetRequiredService<ModerationFunctions>().ModerateComment(message, ct);

    /// <summary>Polls the container (Azurite has no Event Grid); in Azure the Event Grid source is used.</summary>
    [FunctionName(nameof(InboxDrop))]
    public Task InboxDrop([BlobTrigger(StorageNames.InboxBlobPath)] BlobClient blob, string name, CancellationToken ct) =>
        services.GetRequiredService<ArticleFunctions>().InboxDrop(blob, name, ct);

    /// <summary>Polls the container, as for the inbox.</summary>
    [FunctionName(nameof(MakeImageRenditions))]
    public Task MakeImageRenditions([BlobTrigger(StorageNames.ImagesBlobPath)] Stream content, string name, CancellationToken ct) =>
        services.GetRequiredService<MakeImageRenditions>().Run(content, name, ct);
}
