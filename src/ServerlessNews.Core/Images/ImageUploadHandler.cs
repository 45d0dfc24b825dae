using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Publishing;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Images;

/// <summary>
/// An image uploaded to the <c>images</c> container: its renditions, full-size copy and manifest are written to
/// <c>$web</c>, then the pages that use it are rendered again (at most <see cref="ImageOptions.MaxRerenders"/>).
/// Idempotent: the same content twice makes nothing new (the manifest names its version), and every file is
/// written before the manifest that lists it. An upload that cannot be published (wrong name or format, over a
/// limit, corrupt) stays where it is, and its reason is written to <c>rejected/images/NAME.problem.json</c> and
/// logged; a page that uses it keeps rendering with what it had. Storage errors escape: the host retries.
/// </summary>
public sealed partial class ImageUploadHandler(
    BlobServiceClient blobs, ImageUses uses, SiteRefreshScheduler scheduler, IOptions<ImageOptions> options, ILogger<ImageUploadHandler> logger)
{
    /// <summary>Renditions are named by their content's hash: nothing ever replaces them.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    /// <summary>The full-size copy and the manifest change when the image is uploaded again.</summary>
    public const string MutableCacheControl = "public, max-age=300";

    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);
    private readonly BlobContainerClient _rejected = blobs.GetBlobContainerClient(StorageNames.RejectedContainer);

    private ImageOptions Options => options.Value;

    public static string ProblemBlob(string name) => ImageReference.Prefix + name + ".problem.json";

    public async Task HandleAsync(string name, Stream content, CancellationToken ct)
    {
        if (!ImageReference.IsValidName(name))
        {
            await RefuseAsync(name, $"The name must be a path of letters, digits, '.', '-' and '_' (each folder and the file starting with a letter or digit), at most {ImageReference.MaxNameLength} characters, ending in .jpg, .jpeg, .png or .webp.", ct);
            return;
        }
        var bytes = await ReadUpToAsync(content, Options.MaxBytes, ct);
        if (bytes is null)
        {
            var size = content.CanSeek ? content.Length.ToString("N0", CultureInfo.InvariantCulture) : "more than the limit of";
            await RefuseAsync(name, string.Create(CultureInfo.InvariantCulture, $"The file is {size} bytes; the limit is {Options.MaxBytes:N0} (Images__MaxBytes)."), ct);
            return;
        }
        var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
        if ((await ImageResolver.ReadManifestAsync(_web, name, ct))?.Version != version)
        {
            ImageManifest manifest;
            IReadOnlyList<RenditionFile> files;
            try
            {
                (manifest, files) = RenditionMaker.Make(name, version, bytes, Options.MaxPixels);
            }
            catch (ImageRefusedException e)
            {
                await RefuseAsync(name, e.Message, ct);
                return;
            }
            await Task.WhenAll(files.Select(f => UploadAsync(f.Blob, f.Content, f.ContentType,
                f.Blob.StartsWith(ImageReference.RenditionFolder, StringComparison.Ordinal) ? ImmutableCacheControl : MutableCacheControl, ct)));
            await UploadAsync(ImageReference.ManifestBlob(name), JsonSerializer.SerializeToUtf8Bytes(manifest, ImagesJsonContext.Default.ImageManifest),
                "application/json", MutableCacheControl, ct);
            LogMade(name, version, manifest.Width, manifest.Height, files.Count);
        }
        // Accepted: an earlier refusal of this name no longer applies.
        await _rejected.GetBlobClient(ProblemBlob(name)).DeleteIfExistsAsync(cancellationToken: ct);
        await RerenderUsersAsync(name, ct);
    }

    /// <summary>The pages that use the image, through the coalescing refresh queue (a page already queued is not queued again).</summary>
    private async Task RerenderUsersAsync(string name, CancellationToken ct)
    {
        var (articleIds, more) = await uses.UsedByAsync(name, Options.MaxRerenders, ct);
        await scheduler.ScheduleAsync(articleIds.Select(id => new SiteOutput.ArticlePage(id)), ct);
        if (more)
        {
            LogRerendersCapped(name, Options.MaxRerenders);
        }
    }

    /// <returns>Null when the stream holds more than <paramref name="limit"/> bytes (read no further than that).</returns>
    private static async Task<byte[]?> ReadUpToAsync(Stream content, long limit, CancellationToken ct)
    {
        if (content.CanSeek && content.Length > limit)
        {
            return null;
        }
        using var buffer = content.CanSeek ? new MemoryStream((int)content.Length) : new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private Task<Azure.Response<BlobContentInfo>> UploadAsync(string blob, byte[] content, string contentType, string cacheControl, CancellationToken ct) =>
        _web.GetBlobClient(blob).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl },
        }, ct);

    private async Task RefuseAsync(string name, string reason, CancellationToken ct)
    {
        var report = new RejectionReport(
            Title: "The image was not published.",
            Detail: $"images/{name} has no new renditions: pages that use it keep what they showed. Fix the file and upload it again.",
            Errors: new Dictionary<string, string[]> { ["image"] = [reason] });
        await _rejected.GetBlobClient(ProblemBlob(name)).UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(report, InboxJsonContext.Default.RejectionReport)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/problem+json" } }, ct);
        LogRefused(name, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Name} version {Version} ({Width}x{Height}): wrote {Files} files and its manifest")]
    private partial void LogMade(string name, string version, int width, int height, int files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused image {Name}: {Reason}")]
    private partial void LogRefused(string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Name} is used by more articles than the {Max} rendered again; run the rebuild for the rest")]
    private partial void LogRerendersCapped(string name, int max);
}
