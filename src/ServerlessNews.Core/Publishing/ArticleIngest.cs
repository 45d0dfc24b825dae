using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Storage;

namespace ServerlessNews.Publishing;

public enum IngestOutcome
{
    Accepted,
    Duplicate,
}

public sealed record IngestResult(IngestOutcome Outcome, PublishMessage Message);

/// <summary>
/// What a publish made in the delivering request learns of the delivery: whether it was accepted (stored and
/// not a repeat), when its message is sent, and the record that marks it done.
/// </summary>
public sealed record InlineAcceptance(Task<bool> Accepted, Task Queued, DeliveryRecord Delivery);

/// <summary>
/// The one path every submission takes, webhook or inbox: store it durably, queue it, record it.
/// Each step is idempotent, keyed by the delivery id, so a retry after a crash at any point completes
/// the work, and concurrent deliveries of one webhook-id store one submission.
/// </summary>
public sealed partial class ArticleIngest(
    BlobServiceClient blobs, QueueServiceClient queues, ArticleIndex index, TimeProvider time, ILogger<ArticleIngest> logger)
{
    private readonly BlobContainerClient _submissions = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);
    private readonly QueueClient _publish = queues.GetQueueClient(StorageNames.PublishQueue);

    public Task<bool> IsKnownDeliveryAsync(string articleId, string deliveryId, CancellationToken ct) =>
        index.IsKnownDeliveryAsync(articleId, DeliveryKey(deliveryId), ct);

    /// <param name="publishNow">
    /// Publishing in the delivering request, so the page goes live without waiting for the queue round trips.
    /// It is called at once: it may read while the submission is being stored, writes only once the submission
    /// is accepted, and indexes only once the message is sent, recording the delivery in the same transaction
    /// (its task's result says whether it did). The answer waits for the message, which stays the guarantee.
    /// </param>
    public async Task<IngestResult> AcceptAsync(
        ArticleSubmission submission, ReadOnlyMemory<byte> raw, string extension, string deliveryId, string source, CancellationToken ct,
        Func<PublishMessage, InlineAcceptance, Task<bool>>? publishNow = null)
    {
        var key = DeliveryKey(deliveryId);
        var blobName = $"{submission.Id}/{submission.Revision:D19}-{key[..16]}{extension}";
        var message = new PublishMessage(submission.Id, submission.Revision, blobName);
        var delivery = new DeliveryRecord(key, deliveryId, submission.Revision, blobName, source, time.GetUtcNow());
        // Stored before the message that refers to it is sent; a known delivery stores nothing new. It starts
        // first: the emulator (and a busy account) serves requests roughly in arrival order.
        var stored = StoreOnceAsync(blobName, raw, extension, delivery, ct);
        var accepted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishing = publishNow?.Invoke(message, new InlineAcceptance(accepted.Task, queued.Task, delivery)) ?? Task.FromResult(false);
        try
        {
            // The submission's name derives from the delivery id: only a delivery seen before (or racing this
            // one) finds it stored, so only then is the delivery record consulted.
            if (!await stored && await index.IsKnownDeliveryAsync(submission.Id, key, ct))
            {
                accepted.SetResult(false);
                await publishing;
                return new(IngestOutcome.Duplicate, message);
            }
            accepted.SetResult(true);
            await _publish.SendMessageAsync(JsonSerializer.Serialize(message, CoreJsonContext.Default.PublishMessage), ct);
            queued.SetResult();
        }
        catch (Exception e)
        {
            accepted.TrySetException(e);
            queued.TrySetException(e);
            throw;
        }
        // The revision and its delivery are recorded only after the message is sent, so that a retry after a
        // crash in between sends it again; a publish that got as far as indexing recorded them already.
        if (await publishing || await index.RecordAcceptedAsync(submission.Id, delivery, ct))
        {
            LogAccepted(submission.Id, submission.Revision, source);
            return new(IngestOutcome.Accepted, message);
        }
        // A concurrent delivery of the same id recorded itself first; the publisher treats the extra message as a no-op.
        return new(IngestOutcome.Duplicate, message);
    }

    /// <returns>False when this delivery's submission was already stored.</returns>
    private async Task<bool> StoreOnceAsync(string blobName, ReadOnlyMemory<byte> raw, string extension, DeliveryRecord delivery, CancellationToken ct)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = extension == ".json" ? "application/json" : "text/markdown; charset=utf-8" },
            Metadata = new Dictionary<string, string>
            {
                ["deliveryKey"] = delivery.Key,
                ["source"] = AsciiOnly(delivery.Source),
                ["receivedAt"] = delivery.ReceivedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            },
            // Submissions are immutable: the first write of a delivery wins, repeats change nothing.
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await _submissions.GetBlobClient(blobName).UploadAsync(new BinaryData(raw), options, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Table keys may not contain '/', '\', '#', '?' or control characters; a hash has none.</summary>
    public static string DeliveryKey(string deliveryId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)));

    private static string AsciiOnly(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '_');
        }
        return builder.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted article {ArticleId} revision {Revision} from {Source}")]
    private partial void LogAccepted(string articleId, long revision, string source);
}
