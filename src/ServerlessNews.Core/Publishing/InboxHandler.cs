using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Storage;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary>
/// A file dropped into <c>inbox/</c> (JSON, or Markdown with YAML front matter) takes the webhook's path.
/// A file that does not validate is moved to <c>rejected/</c> with the reasons beside it, never dropped; so is a
/// file larger than a webhook body may be (<see cref="WebhookOptions.MaxBodyBytes"/>), moved by the storage
/// service without being read.
/// </summary>
public sealed partial class InboxHandler(
    BlobServiceClient blobs, PublishingPipeline publishing, IOptions<WebhookOptions> options, ILogger<InboxHandler> logger)
{
    private readonly BlobContainerClient _rejected = blobs.GetBlobContainerClient(StorageNames.RejectedContainer);

    /// <param name="blob">The dropped file, as the trigger binds it: its size is known before a byte is read.</param>
    public async Task HandleAsync(string name, BlobClient blob, CancellationToken ct)
    {
        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return; // handled already: an earlier delivery of this trigger published or moved it
        }
        byte[] content;
        using (download)
        {
            var limit = options.Value.MaxBodyBytes;
            if (download.Details.ContentLength > limit)
            {
                var tooLarge = new ValidationErrors();
                tooLarge.Add("file", $"is {download.Details.ContentLength} bytes; the limit is {limit} bytes (setting Webhooks__MaxBodyBytes).");
                await RejectAsync(name, blob, null, tooLarge, ct);
                return;
            }
            content = new byte[download.Details.ContentLength];
            await download.Content.ReadExactlyAsync(content, ct);
        }

        var parsed = SubmissionParser.ParseFile(name, content);
        if (!parsed.IsValid)
        {
            await RejectAsync(name, blob, content, parsed.Errors, ct);
            return;
        }
        // The delivery id includes the content hash: re-uploading an edited file under the same name is a new delivery.
        var deliveryId = $"inbox:{name}:{Convert.ToHexStringLower(SHA256.HashData(content))}";
        var extension = SubmissionParser.IsMarkdownFile(name) ? ".md" : ".json";
        await publishing.AcceptAsync(publishing.NewDelivery(parsed.Submission!, content, extension, deliveryId, "inbox " + name), ct);
        await blob.DeleteIfExistsAsync(cancellationToken: ct);
    }

    /// <param name="content">The file as read; null when it was not read (too large): the storage service copies it.</param>
    private async Task RejectAsync(string name, BlobClient blob, byte[]? content, ValidationErrors errors, CancellationToken ct)
    {
        var problem = new RejectionReport(
            Title: "The file has invalid fields.",
            Detail: $"inbox/{name} was not published. Fix the fields below and upload it again.",
            Errors: errors.ToDictionary());
        await _rejected.GetBlobClient(name + ".problem.json").UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(problem, InboxJsonContext.Default.RejectionReport)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/problem+json" } }, ct);
        var aside = _rejected.GetBlobClient(name);
        if (content is not null)
        {
            await aside.UploadAsync(BinaryData.FromBytes(content), overwrite: true, ct);
        }
        else
        {
            await (await aside.StartCopyFromUriAsync(blob.Uri, cancellationToken: ct)).WaitForCompletionAsync(ct);
        }
        await blob.DeleteIfExistsAsync(cancellationToken: ct);
        LogRejected(name, errors.ToString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected inbox file {Name}: {Errors}")]
    private partial void LogRejected(string name, string errors);
}

public sealed record RejectionReport(string Title, string Detail, Dictionary<string, string[]> Errors);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RejectionReport))]
internal sealed partial class InboxJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
