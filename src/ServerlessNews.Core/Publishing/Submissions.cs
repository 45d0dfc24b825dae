using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Storage;

namespace ServerlessNews.Publishing;

/// <summary>
/// The accept step's storage: every accepted revision, immutable, in <c>submissions</c>; its message on the
/// <c>publish</c> queue; and its delivery in the index. Each write is idempotent, keyed by the delivery id, so a
/// retry after a crash at any point completes the work and concurrent deliveries of one webhook-id store one submission.
/// </summary>
public sealed class Submissions(BlobServiceClient blobs, QueueServiceClient queues, ArticleIndex index)
{
    /// <summary>Azure Queue Storage hides a message for at most seven days; longer embargoes hop.</summary>
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private readonly BlobContainerClient _submissions = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);
    private readonly QueueClient _publish = queues.GetQueueClient(StorageNames.PublishQueue);

    /// <summary>Stores the delivered submission unless this delivery's is stored already (the first write wins).</summary>
    /// <returns>False when this delivery's submission was already stored.</returns>
    public async Task<bool> StoreAsync(Delivery delivery, CancellationToken ct)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = delivery.Extension == ".json" ? "application/json" : "text/markdown; charset=utf-8" },
            Metadata = new Dictionary<string, string>
            {
                ["deliveryKey"] = delivery.Key,
                ["source"] = AsciiOnly(delivery.Record.Source),
                ["receivedAt"] = delivery.Record.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
            },
            // Submissions are immutable: the first write of a delivery wins, repeats change nothing.
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await _submissions.GetBlobClient(delivery.BlobName).UploadAsync(new BinaryData(delivery.Raw), options, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Whether a delivery of this article was recorded (<see cref="RecordAsync"/>, or with its publish).</summary>
    public Task<bool> IsKnownAsync(string articleId, string deliveryId, CancellationToken ct) =>
        index.IsKnownDeliveryAsync(articleId, Delivery.KeyFor(deliveryId), ct);

    /// <summary>Sends the delivery's <c>publish</c> message: from here on the queue guarantees the publish.</summary>
    public async Task QueueAsync(Delivery delivery, CancellationToken ct) =>
        await _publish.SendMessageAsync(Serialize(delivery.Message), ct);

    /// <summary>
    /// Sends <paramref name="message"/> again, invisible for <paramref name="wait"/> (at most seven days; a longer
    /// wait hops): durable across restarts, no polling.
    /// </summary>
    public async Task QueueAgainAsync(PublishMessage message, TimeSpan wait, CancellationToken ct)
    {
        // Queue visibility counts whole seconds: a fraction would round down to "now" and the message would
        // come straight back, early, again and again until the time came. Round up instead.
        var delay = wait < MaxVisibilityDelay ? TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)) : MaxVisibilityDelay;
        await _publish.SendMessageAsync(Serialize(message), visibilityTimeout: delay, cancellationToken: ct);
    }

    /// <summary>
    /// Records the accepted revision and its delivery, once its message is sent (so that a retry after a crash in
    /// between sends it again).
    /// </summary>
    /// <returns>False when a concurrent delivery of the same id recorded itself first.</returns>
    public Task<bool> RecordAsync(Delivery delivery, CancellationToken ct) =>
        index.RecordAcceptedAsync(delivery.Submission.Id, delivery.Record, ct);

    /// <summary>The stored submission a message names, parsed again.</summary>
    /// <exception cref="InvalidSubmissionException">It no longer validates: a retry cannot succeed.</exception>
    public async Task<ArticleSubmission> LoadAsync(PublishMessage message, CancellationToken ct)
    {
        var raw = (await _submissions.GetBlobClient(message.Submission).DownloadContentAsync(ct)).Value.Content;
        var parsed = SubmissionParser.ParseFile(message.Submission, raw.ToMemory().Span);
        return parsed.IsValid ? parsed.Submission! : throw new InvalidSubmissionException(parsed.Errors);
    }

    public static PublishMessage ReadMessage(string text) =>
        JsonSerializer.Deserialize(text, PublishingJsonContext.Default.PublishMessage) ?? throw new InvalidOperationException("Empty publish message.");

    private static string Serialize(PublishMessage message) => JsonSerializer.Serialize(message, PublishingJsonContext.Default.PublishMessage);

    private static string AsciiOnly(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '_');
        }
        return builder.ToString();
    }
}
