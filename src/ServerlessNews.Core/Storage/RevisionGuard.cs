using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ServerlessNews.Storage;

/// <summary>
/// Writes a blob only when it does not already hold a newer revision, using the blob's ETag so that two
/// writers racing never leave the older revision on top. This is what keeps every output monotonic.
/// </summary>
public static class RevisionGuard
{
    public const string RevisionMetadataKey = "revision";

    /// <returns>False when the blob already holds a newer revision; nothing was written.</returns>
    public static async Task<bool> UploadUnlessNewerAsync(
        BlobClient blob, BinaryData content, string contentType, long revision, CancellationToken ct, string? cacheControl = null)
    {
        while (true)
        {
            BlobProperties? existing = null;
            try
            {
                existing = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
            if (existing is not null && StoredRevision(existing) > revision)
            {
                return false;
            }
            if (existing is not null && IsSame(existing, content, contentType, revision, cacheControl))
            {
                // Several writers that race with the same result (e.g. moderators approving one comment at once)
                // write it once: the same bytes again would only change the ETag and purge caches for nothing.
                return true;
            }
            var options = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl },
                Metadata = new Dictionary<string, string> { [RevisionMetadataKey] = revision.ToString(CultureInfo.InvariantCulture) },
                Conditions = existing is null
                    ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                    : new BlobRequestConditions { IfMatch = existing.ETag },
            };
            try
            {
                await blob.UploadAsync(content, options, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone wrote in between: look again.
            }
        }
    }

    private static bool IsSame(BlobProperties existing, BinaryData content, string contentType, long revision, string? cacheControl) =>
        StoredRevision(existing) == revision &&
        existing.ContentLength == content.ToMemory().Length &&
        string.Equals(existing.ContentType, contentType, StringComparison.Ordinal) &&
        string.Equals(existing.CacheControl ?? "", cacheControl ?? "", StringComparison.Ordinal) &&
        existing.ContentHash is { Length: 16 } stored &&
#pragma warning disable CA5351 // the blob service's Content-MD5: an equality check, not security
        stored.AsSpan().SequenceEqual(MD5.HashData(content.ToMemory().Span));
#pragma warning restore CA5351

    public static long StoredRevision(BlobProperties properties) =>
        properties.Metadata.TryGetValue(RevisionMetadataKey, out var text) &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : long.MinValue;
}
