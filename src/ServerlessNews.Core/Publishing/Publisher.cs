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
    RelatedArticleRecords relatedRecords,
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
    /// queue trigger retries; if it succeeds, the queued message finds the page published and completes the rest.
    /// </summary>
    /// <param name="acceptance">
    /// Whether the submission was stored and is not a repeat, and when its message is sent. The reads (the
    /// article's row, what its page shows) go ahead while it is pending; nothing is written until it is
    /// accepted, and nothing indexed until the message is sent.
    /// </param>
    /// <returns>True when the index transaction recorded the delivery too.</returns>
    /// <remarks>Does nothing when <see cref="WebhookOptions.PublishInline"/> is off.</remarks>
    public async Task<bool> TryPublishNowAsync(PublishMessage message, ArticleSubmission submission, InlineAcceptance acceptance, CancellationToken ct)
    {
        if (!webhookOptions.Value.PublishInline)
        {
            return false;
        }
        try
        {
            var current = index.GetAsync(message.ArticleId, ct);
            // Its message renders the page again once the request has answered.
            var scope = RenderScope.ForProvisionalPage();
            var prefetch = renderer.PrefetchArticleAsync(new ArticleDocument(submission, ArticleDocument.PathFor(submission)), scope, ct);
            await Task.WhenAll(current, prefetch, acceptance.Accepted);
            if (!await acceptance.Accepted)
            {
                return false;
            }
            return await PublishAsync(message, ct, submission, acceptance, new CurrentRow(await current), scope);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!acceptance.Accepted.IsFaulted && !acceptance.Queued.IsFaulted)
            {
                LogInlinePublishFailed(e, message.ArticleId, message.Revision);
            }
            // Otherwise storing or queueing failed: the request answers with that error.
            return false;
        }
    }

    /// <param name="inline">Set when publishing in the delivering request (<see cref="TryPublishNowAsync"/>).</param>
    /// <returns>True when the delivery of <paramref name="inline"/> was recorded with the index.</returns>
    private async Task<bool> PublishAsync(
        PublishMessage message, CancellationToken ct, ArticleSubmission? parsed = null, InlineAcceptance? inline = null,
        CurrentRow? readBefore = null, RenderScope? prefetched = null)
    {
        var current = readBefore is not null ? readBefore.Entity : await index.GetAsync(message.ArticleId, ct);
        if (current is not null && current.Revision > message.Revision)
        {
            LogSuperseded(message.ArticleId, message.Revision, current.Revision);
            await index.SetRevisionStateAsync(message.ArticleId, message.Revision, ArticleStates.Superseded,
                $"Revision {current.Revision} is newer.", ct);
            return false;
        }
        if (current is not null && current.Revision == message.Revision && current.State is ArticleStates.Published or ArticleStates.Killed)
        {
            // Work already done, by the delivering request or a try cut short after indexing: complete what
            // follows the index (what a publish in the request leaves to its message), then the derived pages.
            if (inline is null)
            {
                if (current.State == ArticleStates.Published)
                {
                    await CompleteAsync(message, current, parsed, ct);
                }
                await NotifyAsync(current, ct);
            }
            return false;
        }

        var submission = parsed ?? await LoadAsync(message, ct);
        var document = new ArticleDocument(submission, current?.Path is { Length: > 0 } path ? path : ArticleDocument.PathFor(submission));
        switch (submission.Status)
        {
            case ArticleStatus.Embargoed when submission.EmbargoedUntil > time.GetUtcNow():
                await HoldUntilEmbargoLiftsAsync(document, message, ct);
                return false;
            case ArticleStatus.Killed:
                return await KillAsync(document, current, inline, ct);
            default:
                return await WriteAsync(document, inline, new CurrentRow(current), prefetched, ct);
        }
    }

    private async Task<ArticleSubmission> LoadAsync(PublishMessage message, CancellationToken ct)
    {
        var raw = (await _submissions.GetBlobClient(message.Submission).DownloadContentAsync(ct)).Value.Content;
        var parsed = SubmissionParser.ParseFile(message.Submission, raw.ToMemory().Span);
        return parsed.IsValid ? parsed.Submission! : throw new InvalidSubmissionException(parsed.Errors);
    }

    /// <summary>Renders and writes one article's page from its normalized document, and indexes it.</summary>
    /// <param name="inline">Set when publishing in the delivering request: the page and the index only.</param>
    /// <param name="readBefore">The article's current row as just read, if it was: spares reading it again.</param>
    /// <param name="prefetched">This page's scope, if its reads were started ahead.</param>
    /// <returns>True when the delivery of <paramref name="inline"/> was recorded with the index.</returns>
    private async Task<bool> WriteAsync(ArticleDocument document, InlineAcceptance? inline, CurrentRow readBefore, RenderScope? prefetched, CancellationToken ct)
    {
        var a = document.Article;
        // Never published: its blobs almost surely do not exist yet, and nothing can refer to it.
        var firstPublication = readBefore.Entity is null;
        var scope = (prefetched ?? RenderScope.ForOnePage()).ForArticle(newArticle: firstPublication);
        if (inline is not null)
        {
            // Readers wait for the page alone: it is written first (provisional, from the scope the request
            // prefetched: no related articles, so no records or metadata), and indexed as soon as the message is
            // sent. The content document, the path lookup, the related-article records and the page with its
            // related articles are left to the message.
            var written = await WritePageAsync(document, scope, ct, probablyNew: firstPublication);
            await inline.Queued;
            return await IndexAsync(document, written, readBefore, inline.Delivery, ct);
        }
        var pageWritten = await WriteOutputsAsync(document, scope, probablyNew: firstPublication, readBefore.Entity?.Path, ct);
        if (await IndexAsync(document, pageWritten, readBefore, null, ct))
        {
            await NotifyAsync(await index.GetAsync(a.Id, ct), ct);
        }
        return false;
    }

    /// <returns>False when a newer revision won the page or the index; recorded as superseded.</returns>
    private async Task<bool> IndexAsync(ArticleDocument document, bool pageWritten, CurrentRow readBefore, DeliveryRecord? delivery, CancellationToken ct)
    {
        var a = document.Article;
        if (!pageWritten || !await index.SaveAsync(document, ArticleStates.Published, ct, readBefore, delivery))
        {
            await index.SetRevisionStateAsync(a.Id, a.Revision, ArticleStates.Superseded, "A newer revision was published meanwhile.", ct);
            return false;
        }
        LogPublished(a.Id, a.Revision, document.Path);
        return true;
    }

    /// <summary>
    /// What follows the index of a publish (the content document, the path lookup, the page with its
    /// related-article records), again: a publish in the request leaves it to its message, and a try cut
    /// short after indexing left it undone. Every write is idempotent and revision-guarded.
    /// </summary>
    private async Task CompleteAsync(PublishMessage message, ArticleEntity current, ArticleSubmission? parsed, CancellationToken ct)
    {
        // The document as indexed: another delivery of the same revision may carry different content, and the
        // first one indexed is the one published.
        var document = await index.GetIndexedDocumentAsync(current.PartitionKey, ct)
            ?? new ArticleDocument(parsed ?? await LoadAsync(message, ct), current.Path);
        if (document.Article.Revision != current.Revision)
        {
            return; // a newer revision was indexed meanwhile: its own message completes it
        }
        await WriteOutputsAsync(document, RenderScope.ForOnePage(), probablyNew: false, previousPath: null, ct);
    }

    /// <summary>
    /// An article's outputs besides its index: the normalized document in <c>content</c>, the page (after the
    /// related-article records it shows) and the path lookup. Independent, each idempotent and guarded by its
    /// own revision check: written together. The path lookup row lives in its own partition, so it cannot
    /// join the index transaction; it is written before the index says the article is published.
    /// </summary>
    /// <param name="previousPath">The path of the article's row as read before; null when not read.</param>
    /// <returns>False when a newer revision's page was kept.</returns>
    private async Task<bool> WriteOutputsAsync(ArticleDocument document, RenderScope scope, bool probablyNew, string? previousPath, CancellationToken ct)
    {
        var a = document.Article;
        var json = JsonSerializer.SerializeToUtf8Bytes(document, CoreJsonContext.Default.ArticleDocument);
        var contentWrite = RevisionGuard.UploadUnlessNewerAsync(_content.GetBlobClient(ContentBlobName(a.Id)), new BinaryData(json), "application/json",
            a.Revision, ct, probablyNew: probablyNew);
        var pageWrite = WritePageAsync(document, scope, ct, probablyNew);
        var pathWrite = index.RecordPathAsync(document, previousPath, ct);
        await Task.WhenAll(contentWrite, pageWrite, pathWrite);
        return await pageWrite;
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

    /// <summary>Renders one article page without writing it: a rebuild's (see <see cref="WriteRenderedPageAsync"/>) or its dry run's.</summary>
    public Task<string> RenderPageAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        renderer.RenderArticleAsync(document, scope, ct);

    /// <inheritdoc cref="WritePageAsync(ArticleDocument, CancellationToken)"/>
    public async Task<bool> WritePageAsync(ArticleDocument document, RenderScope scope, CancellationToken ct, bool probablyNew = false) =>
        await WriteRenderedPageAsync(document, await renderer.RenderArticleAsync(document, scope, ct), scope, ct, probablyNew);

    /// <summary>
    /// Writes a page rendered in <paramref name="scope"/>. A page of a batch (a rebuild) first has the related
    /// articles it shows recorded, unless the stored page shows them all: a page is written only after its
    /// records, so those of the stored page exist (a rebuild's usual case: nothing to record). Rendering does not
    /// wait for the listing of <c>$web</c> that way.
    /// </summary>
    /// <param name="lastSeen">The page as a listing of <c>$web</c> showed it (a rebuild), if known.</param>
    public async Task<bool> WriteRenderedPageAsync(ArticleDocument document, string html, RenderScope scope, CancellationToken ct, bool probablyNew = false, StoredBlob? lastSeen = null)
    {
        var related = scope.RelatedShownOn(document.PageBlobName);
        if (scope.IsBatch && related is { Count: > 0 } && !Shows(lastSeen, related))
        {
            await relatedRecords.RecordAsync(document.Article.Id, related, ct);
        }
        // The page carries the related articles it shows (article ids have no commas), so that a rebuild, which
        // lists every page with its metadata, knows which related-article records exist without reading them.
        var metadata = related is { Count: > 0 }
            ? new Dictionary<string, string> { [RelatedMetadataKey] = string.Join(',', related) }
            : null;
        return await RevisionGuard.UploadUnlessNewerAsync(_web.GetBlobClient(document.PageBlobName), BinaryData.FromString(html),
            PageContentType, document.Article.Revision, ct, PageCacheControl, lastSeen, probablyNew, metadata);
    }

    private static bool Shows(StoredBlob? page, IReadOnlyList<string> related) =>
        page?.MetadataValue(RelatedMetadataKey)?.Split(',', StringSplitOptions.RemoveEmptyEntries) is { } shown && related.All(shown.Contains);

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

    /// <returns>True when the delivery of <paramref name="inline"/> was recorded with the index.</returns>
    private async Task<bool> KillAsync(ArticleDocument document, ArticleEntity? current, InlineAcceptance? inline, CancellationToken ct)
    {
        var a = document.Article;
        // Recorded even for an article never published, so that an older revision arriving late stays dead.
        var killed = document with
        {
            Article = a with { Headline = current?.Headline ?? "", Section = current?.Section ?? "" },
            Path = current?.Path ?? "",
        };
        if (inline is not null)
        {
            await inline.Queued;
        }
        var saved = await index.SaveAsync(killed, ArticleStates.Killed, ct, new CurrentRow(current), inline?.Delivery);
        if (saved && killed.Path.Length > 0)
        {
            await _web.GetBlobClient(killed.PageBlobName).DeleteIfExistsAsync(cancellationToken: ct);
        }
        if (!saved)
        {
            await index.SetRevisionStateAsync(a.Id, a.Revision, ArticleStates.Killed, null, ct);
        }
        LogKilled(a.Id, a.Revision);
        if (saved && inline is null)
        {
            await NotifyAsync(await index.GetAsync(a.Id, ct), ct);
        }
        return saved && inline is not null;
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
