using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
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
/// The one path every submission takes, webhook or inbox: store it durably, record it, queue it.
/// Each step is idempotent, keyed by the delivery id, so a retry after a crash at any point completes
/// the work, and concurrent deliveries of one webhook-id store one submission.
/// </summary>
public sealed partial class ArticleIngest(
    BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, ArticleIndex index, TimeProvider time, ILogger<ArticleIngest> logger)
{
    private readonly BlobContainerClient _submissions = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);
    private readonly QueueClient _publish = queues.GetQueueClient(StorageNames.PublishQueue);
    private readonly TableClient _deliveries = tables.GetTableClient(StorageNames.DeliveriesTable);

    public async Task<bool> IsKnownDeliveryAsync(string deliveryId, CancellationToken ct) =>
        (await _deliveries.GetEntityIfExistsAsync<TableEntity>(DeliveryKey(deliveryId), "", ["PartitionKey"], ct)).HasValue;

    /// <param name="publishNow">
    /// Publishing in the delivering request, so the page goes live without waiting for the queue round trips.
    /// It is called at once, with a task that says whether the submission was accepted: it may read while the
    /// submission is being stored, and writes only once that task says yes. The answer still waits for the
    /// message, which stays the guarantee.
    /// </param>
    public async Task<IngestResult> AcceptAsync(
        ArticleSubmission submission, ReadOnlyMemory<byte> raw, string extension, string deliveryId, string source, CancellationToken ct,
        Func<PublishMessage, Task<bool>, Task>? publishNow = null)
    {
        var key = DeliveryKey(deliveryId);
        var blobName = $"{submission.Id}/{submission.Revision:D19}-{key[..16]}{extension}";
        var message = new PublishMessage(submission.Id, submission.Revision, blobName);
        // Both are stored before the message that refers to them is sent; a known delivery stores nothing new.
        // They start first: the emulator (and a busy account) serves requests roughly in arrival order.
        var stored = StoreOnceAsync(blobName, raw, extension, deliveryId, source, ct);
        var recorded = index.RecordAcceptedAsync(submission, blobName, source, ct);
        var accepted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishing = publishNow?.Invoke(message, accepted.Task) ?? Task.CompletedTask;
        try
        {
            await Task.WhenAll(stored, recorded);
            // The submission's name derives from the delivery id: only a delivery seen before (or racing this
            // one) finds it stored, so only then is the delivery record consulted.
            if (!await stored && await IsKnownDeliveryAsync(deliveryId, ct))
            {
                accepted.SetResult(false);
                await publishing;
                return new(IngestOutcome.Duplicate, message);
            }
            accepted.SetResult(true);
        }
        catch (Exception e)
        {
            accepted.TrySetException(e);
            throw;
        }
        var queueing = QueueOnceAsync(message, key, deliveryId, ct);
        await Task.WhenAll(publishing, queueing);
        if (await queueing)
        {
            LogAccepted(submission.Id, submission.Revision, source);
            return new(IngestOutcome.Accepted, message);
        }
        return new(IngestOutcome.Duplicate, message);
    }

    /// <returns>False when a concurrent delivery of the same id recorded itself first.</returns>
    private async Task<bool> QueueOnceAsync(PublishMessage message, string key, string deliveryId, CancellationToken ct)
    {
        await _publish.SendMessageAsync(JsonSerializer.Serialize(message, CoreJsonContext.Default.PublishMessage), ct);
        try
        {
            await _deliveries.AddEntityAsync(new TableEntity(key, "")
            {
                ["DeliveryId"] = deliveryId.Length > 200 ? deliveryId[..200] : deliveryId,
                ["ArticleId"] = message.ArticleId,
                ["Revision"] = message.Revision,
                ["Submission"] = message.Submission,
            }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A concurrent delivery of the same id got here first; the publisher treats the extra message as a no-op.
            return false;
        }
    }

    /// <returns>False when this delivery's submission was already stored.</returns>
    private async Task<bool> StoreOnceAsync(string blobName, ReadOnlyMemory<byte> raw, string extension, string deliveryId, string source, CancellationToken ct)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = extension == ".json" ? "application/json" : "text/markdown; charset=utf-8" },
            Metadata = new Dictionary<string, string>
            {
                ["deliveryKey"] = DeliveryKey(deliveryId),
                ["source"] = AsciiOnly(source),
                ["receivedAt"] = time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
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
