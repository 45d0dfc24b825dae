using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary>
/// Publishing, as one pipeline of small steps that every way in takes:
/// <list type="number">
/// <item><b>accept</b>: store the submission (immutable), send its <c>publish</c> message, record the delivery;</item>
/// <item><b>render</b>: the article page from its normalized document;</item>
/// <item><b>write</b>: the page, the document and the URL lookup, each only where no newer revision is stored;</item>
/// <item><b>index</b>: the article's row and its revision's state, in one transaction;</item>
/// <item><b>complete</b>: what follows from the new state: a killed article's removal notice, then the observers
/// (listings and the pages derived from them, caches).</item>
/// </list>
/// The webhook and a kill by DELETE accept, then publish in the request (<see cref="AcceptAndPublishAsync"/>); the
/// inbox accepts (<see cref="AcceptAsync"/>); the <c>publish</c> queue runs every step (<see cref="HandleAsync"/>);
/// a re-render renders and writes (<see cref="RerenderAsync"/>). Idempotent and order-proof: the same revision twice
/// is a no-op, an older revision after a newer one is recorded as superseded, and no write replaces a newer revision.
/// </summary>
public sealed partial class PublishingPipeline(
    Submissions submissions,
    ArticleIndex index,
    ArticlePages pages,
    ArticleContent content,
    TimeProvider time,
    IOptions<WebhookOptions> webhookOptions,
    IEnumerable<IArticleStateObserver> observers,
    ILogger<PublishingPipeline> logger)
{
    /// <summary>The host's default number of tries before a message goes to the poison queue.</summary>
    public const int MaxDequeueCount = 5;

    public Delivery NewDelivery(ArticleSubmission submission, ReadOnlyMemory<byte> raw, string extension, string deliveryId, string source) =>
        new(submission, raw, extension, deliveryId, source, time.GetUtcNow());

    public Task<bool> IsKnownDeliveryAsync(string articleId, string deliveryId, CancellationToken ct) =>
        submissions.IsKnownAsync(articleId, deliveryId, ct);

    /// <summary>Accepts a delivery; its <c>publish</c> message does the rest (the inbox).</summary>
    /// <returns>False for a repeat of a delivery already accepted.</returns>
    public async Task<bool> AcceptAsync(Delivery delivery, CancellationToken ct)
    {
        if (!await submissions.StoreAsync(delivery, ct) && await submissions.IsKnownAsync(delivery.Submission.Id, delivery.Record.DeliveryId, ct))
        {
            return false;
        }
        await submissions.QueueAsync(delivery, ct);
        return await RecordAcceptedAsync(delivery, indexed: false, ct);
    }

    /// <summary>
    /// Accepts a delivery, then publishes it in this request, so that readers do not wait for the queue to be
    /// polled (the webhook, a kill by DELETE). The message stays the guarantee, and the answer waits for it: if the
    /// publish here fails, the queue publishes; if it succeeds, the message finds the page published and completes
    /// the rest. The reads of that publish go ahead while the submission is stored; nothing is written until it is
    /// stored, and nothing indexed until the message is sent.
    /// </summary>
    /// <returns>False for a repeat of a delivery already accepted.</returns>
    public async Task<bool> AcceptAndPublishAsync(Delivery delivery, CancellationToken ct)
    {
        // The submission starts first: the emulator (and a busy account) serves requests roughly in arrival order.
        var stored = submissions.StoreAsync(delivery, ct);
        var draft = webhookOptions.Value.PublishInline ? DraftAsync(delivery.Submission, ct) : null;
        // The submission's name derives from the delivery id: only a delivery seen before (or racing this one)
        // finds it stored, so only then is the delivery record consulted.
        if (!await stored && await submissions.IsKnownAsync(delivery.Submission.Id, delivery.Record.DeliveryId, ct))
        {
            return false;
        }
        var queued = submissions.QueueAsync(delivery, ct);
        var indexed = draft is null ? Task.FromResult(false) : PublishNowAsync(delivery, await draft, queued, ct);
        await queued;
        return await RecordAcceptedAsync(delivery, await indexed, ct);
    }

    /// <summary>
    /// Records the accepted revision and its delivery once the message is sent, so that a retry after a crash in
    /// between sends it again; a publish that got as far as indexing recorded them already.
    /// </summary>
    /// <returns>False when a concurrent delivery of the same id recorded itself first (its message makes ours a no-op).</returns>
    private async Task<bool> RecordAcceptedAsync(Delivery delivery, bool indexed, CancellationToken ct)
    {
        if (!indexed && !await submissions.RecordAsync(delivery, ct))
        {
            return false;
        }
        LogAccepted(delivery.Submission.Id, delivery.Submission.Revision, delivery.Record.Source);
        return true;
    }

    /// <summary>The reads a publish in the request makes while its submission is stored.</summary>
    /// <param name="Failure">The reads failed: the request does not publish; its message will.</param>
    private sealed record Draft(ArticleEntity? Current, RenderScope Scope, Exception? Failure = null);

    private async Task<Draft> DraftAsync(ArticleSubmission submission, CancellationToken ct)
    {
        // Its message renders the page again once the request has answered.
        var scope = RenderScope.ForProvisionalPage();
        try
        {
            var current = index.GetAsync(submission.Id, ct);
            await Task.WhenAll(current, pages.PrefetchAsync(new ArticleDocument(submission, ArticleDocument.PathFor(submission)), scope, ct));
            return new(await current, scope);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new(null, scope, e);
        }
    }

    /// <summary>
    /// The steps a request takes for readers: a provisional page (no related articles) and the index, which records
    /// the delivery in the same transaction. The document, the URL lookup, the page with its related articles and the
    /// completion are left to the message. Failures are logged, not thrown: the message publishes.
    /// </summary>
    /// <returns>True when the index recorded the delivery too.</returns>
    private async Task<bool> PublishNowAsync(Delivery delivery, Draft draft, Task queued, CancellationToken ct)
    {
        var message = delivery.Message;
        if (draft.Failure is not null)
        {
            LogInlinePublishFailed(draft.Failure, message.ArticleId, message.Revision);
            return false;
        }
        try
        {
            var current = draft.Current;
            if (await SupersededAsync(message, current, ct) || IsIndexed(message, current))
            {
                return false;
            }
            var document = Normalize(delivery.Submission, current);
            switch (document.Article.Status)
            {
                case ArticleStatus.Embargoed when document.Article.EmbargoedUntil > time.GetUtcNow():
                    await HoldUntilEmbargoLiftsAsync(document, message, ct);
                    return false;
                case ArticleStatus.Killed:
                    await queued;
                    return await KillAsync(document, current, delivery.Record, ct);
                default:
                    var scope = draft.Scope.ForArticle(newArticle: current is null);
                    var written = await pages.WriteAsync(document, await pages.RenderAsync(document, scope, ct), scope, ct, probablyNew: current is null);
                    await queued;
                    return await IndexAsync(document, written, new CurrentRow(current), delivery.Record, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unless sending the message failed: the request answers with that error.
            if (!queued.IsFaulted)
            {
                LogInlinePublishFailed(e, message.ArticleId, message.Revision);
            }
            return false;
        }
    }

    /// <summary>Handles one <c>publish</c> message: every step. Failures escape, so the host retries, then poison-queues.</summary>
    public async Task HandleAsync(string messageText, long dequeueCount, CancellationToken ct)
    {
        var message = Submissions.ReadMessage(messageText);
        try
        {
            try
            {
                await PublishAsync(message, ct);
            }
            catch (ArticlePathTakenException)
            {
                // Raced the article's first publication at another path: once more, at the path that won.
                await PublishAsync(message, ct);
            }
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

    private async Task PublishAsync(PublishMessage message, CancellationToken ct)
    {
        var current = await index.GetAsync(message.ArticleId, ct);
        if (await SupersededAsync(message, current, ct))
        {
            return;
        }
        if (IsIndexed(message, current))
        {
            // Done already, by the delivering request or a try cut short after indexing: what follows the index.
            await CompleteIndexedAsync(message, current!, ct);
            return;
        }
        var document = Normalize(await submissions.LoadAsync(message, ct), current);
        switch (document.Article.Status)
        {
            case ArticleStatus.Embargoed when document.Article.EmbargoedUntil > time.GetUtcNow():
                await HoldUntilEmbargoLiftsAsync(document, message, ct);
                return;
            case ArticleStatus.Killed:
                if (await KillAsync(document, current, delivery: null, ct))
                {
                    await CompleteAsync(message, await index.GetAsync(message.ArticleId, ct), ct);
                }
                return;
            default:
                // Never published: its blobs almost surely do not exist yet, and nothing can refer to it.
                var written = await WriteAsync(document, RenderScope.ForOnePage(newArticle: current is null), probablyNew: current is null, current?.Path, ct);
                if (await IndexAsync(document, written, new CurrentRow(current), delivery: null, ct))
                {
                    await CompleteAsync(message, await index.GetAsync(message.ArticleId, ct), ct);
                }
                return;
        }
    }

    /// <summary>
    /// A revision already indexed: for a published one, the outputs the request left to its message (the document,
    /// the URL lookup, the page with its related articles), written again from fresh reads; then the completion.
    /// </summary>
    private async Task CompleteIndexedAsync(PublishMessage message, ArticleEntity current, CancellationToken ct)
    {
        if (current.State == ArticleStates.Published)
        {
            // The document as indexed: another delivery of the same revision may carry different content, and the
            // first one indexed is the one published.
            var document = await index.GetIndexedDocumentAsync(current.PartitionKey, ct) ?? Normalize(await submissions.LoadAsync(message, ct), current);
            // Unless a newer revision was indexed meanwhile: its own message writes it.
            if (document.Article.Revision == current.Revision)
            {
                await WriteAsync(document, RenderScope.ForOnePage(), probablyNew: false, previousPath: null, ct);
            }
        }
        await CompleteAsync(message, current, ct);
    }

    /// <summary>
    /// Renders one article's address again from what is stored: a published article's page from its stored document
    /// (its related articles, comments or the site's navigation changed), a killed one's removal notice. Callers that
    /// must not race other renders of the page take it through the refresh markers (<c>Site.ArticlePageRefresh</c>).
    /// </summary>
    /// <param name="scope">Shared with other pages the caller renders; their reads must all follow the change that asked for them.</param>
    /// <returns>False when there was nothing to render, or a newer revision's page was kept.</returns>
    public async Task<bool> RerenderAsync(string articleId, CancellationToken ct, RenderScope? scope = null)
    {
        scope ??= RenderScope.ForOnePage();
        switch (await index.GetAsync(articleId, ct))
        {
            case { State: ArticleStates.Killed, Path.Length: > 0 } killed:
                await pages.WriteRemovalNoticeAsync(killed.Path, killed.Revision, scope, ct);
                return true;
            case { State: ArticleStates.Published }:
                if (await content.LoadAsync(articleId, ct) is not { } document)
                {
                    return false;
                }
                var written = await pages.WriteAsync(document, await pages.RenderAsync(document, scope, ct), scope, ct);
                LogRerendered(articleId, document.Article.Revision, written);
                return written;
            default:
                return false;
        }
    }

    /// <summary>A newer revision is current: this one is recorded as superseded and goes no further.</summary>
    private async Task<bool> SupersededAsync(PublishMessage message, ArticleEntity? current, CancellationToken ct)
    {
        if (current is null || current.Revision <= message.Revision)
        {
            return false;
        }
        LogSuperseded(message.ArticleId, message.Revision, current.Revision);
        await index.SetRevisionStateAsync(message.ArticleId, message.Revision, ArticleStates.Superseded, $"Revision {current.Revision} is newer.", ct);
        return true;
    }

    private static bool IsIndexed(PublishMessage message, ArticleEntity? current) =>
        current is not null && current.Revision == message.Revision && current.State is ArticleStates.Published or ArticleStates.Killed;

    /// <summary>The submission with its public path: the one it was first published at, if it was.</summary>
    private static ArticleDocument Normalize(ArticleSubmission submission, ArticleEntity? current) =>
        new(submission, current?.Path is { Length: > 0 } path ? path : ArticleDocument.PathFor(submission));

    /// <summary>
    /// Render and write: the page (after the related-article records it shows), the normalized document and the URL
    /// lookup, independent, each idempotent and revision-guarded, so written together. The lookup lives in a partition
    /// of its own, so it cannot join the index transaction; it is written before the index says the article is published.
    /// </summary>
    /// <param name="previousPath">The path of the article's row as read before; null when not read.</param>
    /// <returns>False when a newer revision's page was kept.</returns>
    private async Task<bool> WriteAsync(ArticleDocument document, RenderScope scope, bool probablyNew, string? previousPath, CancellationToken ct)
    {
        var documentWrite = content.SaveAsync(document, probablyNew, ct);
        var pageWrite = RenderAndWritePageAsync();
        var pathWrite = index.RecordPathAsync(document, previousPath, ct);
        await Task.WhenAll(documentWrite, pageWrite, pathWrite);
        return await pageWrite;

        async Task<bool> RenderAndWritePageAsync() =>
            await pages.WriteAsync(document, await pages.RenderAsync(document, scope, ct), scope, ct, probablyNew);
    }

    /// <param name="delivery">Recorded in the same transaction (a publish in the delivering request).</param>
    /// <returns>False when a newer revision won the page or the index; recorded as superseded.</returns>
    private async Task<bool> IndexAsync(ArticleDocument document, bool pageWritten, CurrentRow readBefore, DeliveryRecord? delivery, CancellationToken ct)
    {
        var a = document.Article;
        bool saved;
        try
        {
            saved = pageWritten && await index.SaveAsync(document, ArticleStates.Published, ct, readBefore, delivery);
        }
        catch (ArticlePathTakenException)
        {
            // Its page went to a path the article does not have: take it down; the retry renders it at the right one.
            await pages.DeleteIfRevisionAsync(document.Path, a.Revision, ct);
            throw;
        }
        if (!saved)
        {
            // A newer revision that raced this one's first publication (a kill, or a publish at another path) does not
            // have this page's path: the page is no one's.
            if (pageWritten && (await index.GetAsync(a.Id, ct))?.Path != document.Path)
            {
                await pages.DeleteIfRevisionAsync(document.Path, a.Revision, ct);
            }
            await index.SetRevisionStateAsync(a.Id, a.Revision, ArticleStates.Superseded, "A newer revision was published meanwhile.", ct);
            return false;
        }
        LogPublished(a.Id, a.Revision, document.Path);
        return true;
    }

    /// <summary>
    /// Indexes a kill (even of an article never published, so that an older revision arriving late stays dead), then
    /// takes the page down first: until the completion writes the removal notice, the address answers the 404 page.
    /// </summary>
    /// <param name="delivery">Recorded in the same transaction (a kill in the delivering request).</param>
    /// <returns>True when the index recorded the kill.</returns>
    private async Task<bool> KillAsync(ArticleDocument document, ArticleEntity? current, DeliveryRecord? delivery, CancellationToken ct)
    {
        var a = document.Article;
        var killed = document with
        {
            Article = a with { Headline = current?.Headline ?? "", Section = current?.Section ?? "" },
            Path = current?.Path ?? "",
        };
        var saved = await index.SaveAsync(killed, ArticleStates.Killed, ct, new CurrentRow(current), delivery);
        if (saved && killed.Path.Length > 0)
        {
            await pages.DeleteAsync(killed.Path, ct);
        }
        if (!saved)
        {
            await index.SetRevisionStateAsync(a.Id, a.Revision, ArticleStates.Killed, null, ct);
        }
        LogKilled(a.Id, a.Revision);
        return saved;
    }

    /// <summary>
    /// What follows from an article's state as stored: a killed article's removal notice, then the observers (its
    /// listing rows and the outputs they change, caches); then the message's revision is marked as followed up, so
    /// that a host's start does not queue it again. Each is idempotent: a re-delivered message runs it again.
    /// </summary>
    private async Task CompleteAsync(PublishMessage message, ArticleEntity? article, CancellationToken ct)
    {
        if (article is not null)
        {
            if (article.State == ArticleStates.Killed && article.Path.Length > 0)
            {
                await pages.WriteRemovalNoticeAsync(article.Path, article.Revision, RenderScope.ForOnePage(), ct);
            }
            foreach (var observer in observers)
            {
                await observer.ArticleChangedAsync(article, ct);
            }
        }
        await index.MarkFollowedUpAsync(message.ArticleId, message.Revision, ct);
    }

    /// <summary>An embargoed revision waits as an invisible queue message: durable across restarts, no polling.</summary>
    private async Task HoldUntilEmbargoLiftsAsync(ArticleDocument document, PublishMessage message, CancellationToken ct)
    {
        var until = document.Article.EmbargoedUntil!.Value;
        await submissions.QueueAgainAsync(message, until - time.GetUtcNow(), ct);
        await index.SetRevisionStateAsync(message.ArticleId, message.Revision, ArticleStates.Embargoed, $"Embargoed until {PageRenderer.Iso(until)}.", ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted article {ArticleId} revision {Revision} from {Source}")]
    private partial void LogAccepted(string articleId, long revision, string source);

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
