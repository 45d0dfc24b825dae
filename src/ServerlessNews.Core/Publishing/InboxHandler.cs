using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using ServerlessNews.Articles;
using ServerlessNews.Storage;

namespace ServerlessNews.Publishing;

/// <summary>
/// A file dropped into <c>inbox/</c> (JSON, or Markdown with YAML front matter) takes the webhook's path.
/// A file that does not validate is moved to <c>rejected/</c> with the reasons beside it, never dropped.
/// </summary>
public sealed partial class InboxHandler(BlobServiceClient blobs, PublishingPipeline publishing, ILogger<InboxHandler> logger)
{
    private readonly BlobContainerClient _inbox = blobs.GetBlobContainerClient(StorageNames.InboxContainer);
    private readonly BlobContainerClient _rejected = blobs.GetBlobContainerClient(StorageNames.RejectedContainer);

    public async Task HandleAsync(string name, byte[] content, CancellationToken ct)
    {
        var parsed = SubmissionParser.ParseFile(name, content);
        if (!parsed.IsValid)
        {
            await RejectAsync(name, content, parsed.Errors, ct);
            return;
        }
        // The delivery id includes the content hash: re-uploading an edited file under the same name is a new delivery.
        var deliveryId = $"inbox:{name}:{Convert.ToHexStringLower(SHA256.HashData(content))}";
        var extension = SubmissionParser.IsMarkdownFile(name) ? ".md" : ".json";
        await publishing.AcceptAsync(publishing.NewDelivery(parsed.Submission!, content, extension, deliveryId, "inbox " + name), ct);
        await _inbox.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct);
    }

    private async Task RejectAsync(string name, byte[] content, ValidationErrors errors, CancellationToken ct)
    {
        var problem = new RejectionReport(
            Title: "The file has invalid fields.",
            Detail: $"inbox/{name} was not published. Fix the fields below and upload it again.",
            Errors: errors.ToDictionary());
        await _rejected.GetBlobClient(name + ".problem.json").UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(problem, InboxJsonContext.Default.RejectionReport)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/problem+json" } }, ct);
        await _rejected.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true, ct);
        await _inbox.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct);
        LogRejected(name, errors.ToString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected inbox file {Name}: {Errors}")]
    private partial void LogRejected(string name, string errors);
}

public sealed record RejectionReport(string Title, string Detail, Dictionary<string, string[]> Errors);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RejectionReport))]
internal sealed partial class InboxJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
