using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary>
/// Handles one <c>publish</c> message: normalize, render, write the page to <c>$web</c>, index it.
/// Idempotent and order-proof: the same revision twice is a no-op, an older revision after a newer one
/// is recorded as superseded, and every write refuses to replace a newer revision.
/// </summary>
public sealed partial class Publisher(
    BlobServiceClient blobs,
    QueueServiceClient queues,
    ArticleIndex index,
    PageRenderer renderer,
    TimeProvider time,
    IOptions<WebhookOptions> webhookOptions,
    IEnumerable<IArticleStateObserver> observers,
    ILogger<Publisher> logger)
{
    /// <summary>The host's default number of tries before a message goes to the poison queue.</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>Azure Queue Storage hides a message for at most seven days; longer embargoes hop.</summary>
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private readonly BlobContainerClient _submissions = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);
    private readonly BlobContainerClient _content = blobs.GetBlobContainerClient(StorageNames.ContentContainer);
    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);
    private readonly QueueClient _publish = queues.GetQueueClient(StorageNames.PublishQueue);

    public async Task HandleAsync(string messageText, long dequeueCount, CancellationToken ct)
    {
        var message = JsonSerializer.Deserialize(messageText, CoreJsonContext.Default.PublishMessage)
            ?? throw new InvalidOperationException("Empty publish message.");
        try
        {
            await PublishAsync(message, ct);
        }
        catch (InvalidSubmissionException e)
        {
            // Stored input that no longer validates cannot succeed on a retry.
            await index.SetRevisionStateAsync(message.ArticleId, message.Revision, ArticleStates.Failed, e.Errors.ToString(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var state = dequeueCount >= MaxDequeueCount ? ArticleStates.Failed : ArticleStates.Retrying;
            LogPublishFailed(e, message.ArticleId, message.Revision, dequeueCount);
            await index.SetRevisionStateAsync(message.ArticleId, message.Revision, state, e.Message, ct);
            throw; // the host retries, then moves the message to publish-poison
        }
    }

    /// <summary>
    /// Publishes a just-accepted submission at once, in the request that delivered it, so that readers do
    /// not wait for the queue to be polled. The queued message stays the guarantee: if this fails, the
    /// queue trigger retries; if it succeeds, the queued message finds the work done.
    /// </summary>
    /// <param name="accepted">
    /// Whether the submission was stored and is not a repeat. The reads (the article's row, what its page
    /// shows) go ahead while it is pending; nothing is written until it says yes.
    /// </param>
    /// <remarks>Does nothing when <see cref="WebhookOptions.PublishInline"/> is off.</remarks>
    public async Task TryPublishNowAsync(PublishMessage message, ArticleSubmission submission, Task<bool> accepted, CancellationToken ct)
    {
        if (!webhookOptions.Value.PublishInline)
        {
            return;
        }
        try
        {
            var current = index.GetAsync(message.ArticleId, ct);
            var scope = RenderScope.ForOnePage();
            var prefetch = renderer.PrefetchArticleAsync(new ArticleDocument(submission, ArticleDocument.PathFor(submission)), scope, ct);
            await Task.WhenAll(current, prefetch, accepted);
            if (!await accepted)
            {
                return;
            }
            // Derived pages (listings, feeds, related blocks) are left to the queued message, which finds the
            // page published and runs the observers then: the webhook answers after the page alone.
            await PublishAsync(message, ct, submission, notifyObservers: false, new CurrentRow(await current), scope);
        }
        catch (Exception e) when (e is not OperationCanceledException && !accepted.IsFaulted)
        {
            LogInlinePublishFailed(e, message.ArticleId, message.Revision);
        }
        catch when (accepted.IsFaulted)
        {
            // Storing the submission failed: the request answers with that error, and nothing was written here.
        }
    }

    private async Task PublishAsync(
        PublishMessage message, CancellationToken ct, ArticleSubmission? parsed = null, bool notifyObservers = true,
        CurrentRow? readBefore = null, RenderScope? prefetched = null)
    {
        var current = readBefore is not null ? readBefore.Entity : await index.GetAsync(message.ArticleId, ct);
        if (current is not null && current.Revision > message.Revision)
        {
            LogSuperseded(message.ArticleId, message.Revision, current.Revision);
            await index.SetRevisionStateAsync(message.ArticleId, message.Revision, ArticleStates.Superseded,
                $"Revision {current.Revision} is newer.", ct);
            return;
        }
        if (current is not null && current.Revision == message.Revision && current.State is ArticleStates.Published or ArticleStates.Killed)
        {
            // A re-delivery of work already done; what followed it may have been cut short.
            if (notifyObservers)
            {
                await NotifyAsync(current, ct);
            }
            return;
        }

        var submission = parsed ?? await LoadAsync(message, ct);
        var document = new ArticleDocument(submission, current?.Path is { Length: > 0 } path ? path : ArticleDocument.PathFor(submission));
        switch (submission.Status)
        {
            case ArticleStatus.Embargoed when submission.EmbargoedUntil > time.GetUtcNow():
                await HoldUntilEmbargoLiftsAsync(document, message, ct);
                break;
            case ArticleStatus.Killed:
                await KillAsync(document, current, notifyObservers, ct);
                break;
            default:
                await WriteAsync(document, ct, notifyObservers, new CurrentRow(current), prefetched);
                break;
        }
    }

    private async Task<ArticleSubmission> LoadAsync(PublishMessage message, CancellationToken ct)
    {
        var raw = (await _submissions.GetBlobClient(message.Submission).DownloadContentAsync(ct)).Value.Content;
        var parsed = SubmissionParser.ParseFile(message.Submission, raw.ToMemory().Span);
        return parsed.IsValid ? parsed.Submission! : throw new InvalidSubmissionException(parsed.Errors);
    }

    /// <summary>Renders and writes one article's page from its normalized document.</summary>
    /// <param name="readBefore">The article's current row as just read, if it was: spares reading it again.</param>
    /// <param name="prefetched">This page's scope, if its reads were started ahead.</param>
    public async Task WriteAsync(
        ArticleDocument document, CancellationToken ct, bool notifyObservers = true, CurrentRow? readBefore = null, RenderScope? prefetched = null)
    {
        var a = document.Article;
        // Never published: its blobs almost surely do not exist yet, and nothing can refer to it.
        var firstPublication = readBefore is { Entity: null };
        var json = JsonSerializer.SerializeToUtf8Bytes(document, CoreJsonContext.Default.ArticleDocument);
        // The two outputs are independent and each guarded by its own revision check: write them together.
        var contentWrite = RevisionGuard.UploadUnlessNewerAsync(_content.GetBlobClient(ContentBlobName(a.Id)), new BinaryData(json), "application/json",
            a.Revision, ct, probablyNew: firstPublication);
        var scope = (prefetched ?? RenderScope.ForOnePage()).ForArticle(newArticle: firstPublication);
        var pageWrite = WritePageAsync(document, scope, ct, probablyNew: firstPublication);
        // The path lookup row lives in its own partition, so it cannot join the index transaction: written
        // alongside the page instead of before the transaction (a retry writes it again, it is idempotent).
        var pathWrite = index.RecordPathAsync(document, readBefore, ct);
        await Task.WhenAll(contentWrite, pageWrite, pathWrite);
        var written = await pageWrite;
        if (!written || !await index.SaveAsync(document, ArticleStates.Published, ct, readBefore, pathRecorded: await pathWrite))
        {
            await index.SetRevisionStateAsync(a.Id, a.Revision, ArticleStates.Superseded, "A newer revision was published meanwhile.", ct);
            return;
        }
        LogPublished(a.Id, a.Revision, document.Path);
        if (notifyObservers)
        {
            await NotifyAsync(await index.GetAsync(a.Id, ct), ct);
        }
    }

    /// <summary>
    /// Renders one article's page again from its normalized document in <c>content</c> (related articles or
    /// comments changed), unless the article is no longer published. The revision guard keeps a newer page.
    /// </summary>
    /// <returns>False when there was nothing to render.</returns>
    public async Task<bool> RerenderAsync(string articleId, CancellationToken ct)
    {
        if (await index.GetAsync(articleId, ct) is not { State: ArticleStates.Published })
        {
            return false;
        }
        if (await LoadDocumentAsync(articleId, ct) is not { } document)
        {
            return false;
        }
        var written = await WritePageAsync(document, ct);
        LogRerendered(articleId, document.Article.Revision, written);
        return written;
    }

    /// <summary>An article's normalized document from <c>content</c>; null when there is none.</summary>
    public async Task<ArticleDocument?> LoadDocumentAsync(string articleId, CancellationToken ct)
    {
        BinaryData json;
        try
        {
            json = (await _content.GetBlobClient(ContentBlobName(articleId)).DownloadContentAsync(ct)).Value.Content;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        return JsonSerializer.Deserialize(json.ToMemory().Span, CoreJsonContext.Default.ArticleDocument)
            ?? throw new InvalidOperationException($"Empty content document for {articleId}.");
    }

    /// <summary>Renders one article page and writes it to <c>$web</c> unless a newer revision is there.</summary>
    /// <returns>False when a newer revision's page was kept.</returns>
    public Task<bool> WritePageAsync(ArticleDocument document, CancellationToken ct) =>
        WritePageAsync(document, RenderScope.ForOnePage(), ct);

    /// <inheritdoc cref="WritePageAsync(ArticleDocument, CancellationToken)"/>
    /// <summary>Renders one article page without writing it (a rebuild's dry run).</summary>
    public Task<string> RenderPageAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        renderer.RenderArticleAsync(document, scope, ct);

    /// <param name="lastSeen">The page as a listing of <c>$web</c> showed it (a rebuild), if known.</param>
    public async Task<bool> WritePageAsync(ArticleDocument document, RenderScope scope, CancellationToken ct, bool probablyNew = false, StoredBlob? lastSeen = null)
    {
        scope.KnowStoredRelated(document.PageBlobName, lastSeen?.MetadataValue(RelatedMetadataKey)?.Split(',', StringSplitOptions.RemoveEmptyEntries));
        var html = await renderer.RenderArticleAsync(document, scope, ct);
        // The page carries the related articles it shows (article ids have no commas), so that a rebuild, which
        // lists every page with its metadata, knows which related-article records exist without reading them.
        var metadata = scope.RelatedShownOn(document.PageBlobName) is { Count: > 0 } related
            ? new Dictionary<string, string> { [RelatedMetadataKey] = string.Join(',', related) }
            : null;
        return await RevisionGuard.UploadUnlessNewerAsync(_web.GetBlobClient(document.PageBlobName), BinaryData.FromString(html),
            PageContentType, document.Article.Revision, ct, PageCacheControl, lastSeen, probablyNew, metadata);
    }

    /// <summary>Page metadata: the ids of the related articles the page shows.</summary>
    public const string RelatedMetadataKey = "related";

    public const string PageContentType = "text/html; charset=utf-8";

    private async Task NotifyAsync(ArticleEntity? article, CancellationToken ct)
    {
        if (article is null)
        {
            return;
        }
        foreach (var observer in observers)
        {
            await observer.ArticleChangedAsync(article, ct);
        }
    }

    private async Task KillAsync(ArticleDocument document, ArticleEntity? current, bool notifyObservers, CancellationToken ct)
    {
        var a = document.Article;
        // Recorded even for an article never published, so that an older revision arriving late stays dead.
        var killed = document with
        {
            Article = a with { Headline = current?.Headline ?? "", Section = current?.Section ?? "" },
            Path = current?.Path ?? "",
        };
        var saved = await index.SaveAsync(killed, ArticleStates.Killed, ct, new CurrentRow(current));
        if (saved && killed.Path.Length > 0)
        {
            await _web.GetBlobClient(killed.PageBlobName).DeleteIfExistsAsync(cancellationToken: ct);
        }
        if (!saved)
        {
            await index.SetRevisionStateAsync(a.Id, a.Revision, ArticleStates.Killed, null, ct);
        }
        LogKilled(a.Id, a.Revision);
        if (saved && notifyObservers)
        {
            await NotifyAsync(await index.GetAsync(a.Id, ct), ct);
        }
    }

    /// <summary>An embargoed revision waits as an invisible queue message: durable across restarts, no polling.</summary>
    private async Task HoldUntilEmbargoLiftsAsync(ArticleDocument document, PublishMessage message, CancellationToken ct)
    {
        var wait = document.Article.EmbargoedUntil!.Value - time.GetUtcNow();
        // Queue visibility counts whole seconds: a fraction would round down to "now" and the message would
        // come straight back, early, again and again until the embargo lifted. Round up instead.
        var delay = wait < MaxVisibilityDelay ? TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)) : MaxVisibilityDelay;
        var text = JsonSerializer.Serialize(message, CoreJsonContext.Default.PublishMessage);
        await _publish.SendMessageAsync(text, visibilityTimeout: delay, cancellationToken: ct);
        await index.SetRevisionStateAsync(message.ArticleId, message.Revision, ArticleStates.Embargoed,
            $"Embargoed until {PageRenderer.Iso(document.Article.EmbargoedUntil.Value)}.", ct);
    }

    public static string ContentBlobName(string articleId) => articleId + ".json";

    /// <summary>Pages change on edits and comments; a CDN may keep them briefly.</summary>
    public const string PageCacheControl = "public, max-age=60";

    [LoggerMessage(Level = LogLevel.Information, Message = "Published article {ArticleId} revision {Revision} at {Path}")]
    private partial void LogPublished(string articleId, long revision, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-rendered article {ArticleId} at revision {Revision}: written {Written}")]
    private partial void LogRerendered(string articleId, long revision, bool written);

    [LoggerMessage(Level = LogLevel.Information, Message = "Killed article {ArticleId} at revision {Revision}")]
    private partial void LogKilled(string articleId, long revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored article {ArticleId} revision {Revision}: revision {Newer} is newer")]
    private partial void LogSuperseded(string articleId, long revision, long newer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing article {ArticleId} revision {Revision} at once failed; the queue will retry it")]
    private partial void LogInlinePublishFailed(Exception exception, string articleId, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing article {ArticleId} revision {Revision} failed on try {DequeueCount}")]
    private partial void LogPublishFailed(Exception exception, string articleId, long revision, long dequeueCount);
}
