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

    /// <param name="lastSeen">The blob as a listing just showed it: spares reading it first.</param>
    /// <param name="probablyNew">
    /// The blob most likely does not exist yet (a first publication): try to create it outright, one round
    /// trip instead of two, and fall back to the read-then-write when it does exist.
    /// </param>
    /// <returns>False when the blob already holds a newer revision; nothing was written.</returns>
    /// <param name="metadata">Stored with the blob besides its revision.</param>
    public static async Task<bool> UploadUnlessNewerAsync(
        BlobClient blob, BinaryData content, string contentType, long revision, CancellationToken ct, string? cacheControl = null,
        StoredBlob? lastSeen = null, bool probablyNew = false, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var guess = probablyNew || lastSeen is not null;
        while (true)
        {
            var existing = guess ? lastSeen : await ReadAsync(blob, ct);
            guess = false;
            if (existing is not null && existing.Revision > revision)
            {
                return false;
            }
            if (existing is not null && existing.IsSame(content, contentType, revision, cacheControl, metadata))
            {
                // Several writers that race with the same result (e.g. moderators approving one comment at once)
                // write it once: the same bytes again would only change the ETag and purge caches for nothing.
                return true;
            }
            var conditions = existing is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = existing.ETag };
            if (await TryUploadAsync(blob, content, contentType, revision, conditions, cacheControl, ct, metadata))
            {
                return true;
            }
            // Someone wrote in between (or the guess was wrong): look again.
        }
    }

    /// <summary>
    /// Every blob of a container (or of its names that start with <paramref name="prefix"/>) as the guard needs to know
    /// it (revision, ETag, metadata, content hash): a few list calls of 5,000 instead of a read before each of thousands of writes.
    /// </summary>
    public static async Task<Dictionary<string, StoredBlob>> ListAsync(BlobContainerClient container, CancellationToken ct, string? prefix = null)
    {
        var blobs = new Dictionary<string, StoredBlob>(StringComparer.Ordinal);
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix }, ct))
        {
            blobs[item.Name] = StoredBlob.From(item);
        }
        return blobs;
    }

    private static async Task<StoredBlob?> ReadAsync(BlobClient blob, CancellationToken ct)
    {
        try
        {
            return StoredBlob.From((await blob.GetPropertiesAsync(cancellationToken: ct)).Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <returns>False when the condition failed: the blob exists, or changed since it was read.</returns>
    public static async Task<bool> TryUploadAsync(
        BlobClient blob, BinaryData content, string contentType, long revision, BlobRequestConditions conditions, string? cacheControl, CancellationToken ct,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stored = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [RevisionMetadataKey] = revision.ToString(CultureInfo.InvariantCulture),
        };
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl },
            Metadata = stored,
            Conditions = conditions,
        };
        try
        {
            await blob.UploadAsync(content, options, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public static long StoredRevision(BlobProperties properties) => StoredRevision(properties.Metadata);

    public static long StoredRevision(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(RevisionMetadataKey, out var text) &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : long.MinValue;
}

/// <summary>What the revision guard needs to know of a stored blob, from its properties or from a listing.</summary>
public sealed record StoredBlob(
    ETag ETag, long Revision, long Length, byte[]? ContentHash, string? ContentType, string? CacheControl, IDictionary<string, string>? Metadata = null)
{
    public static StoredBlob From(BlobProperties p) =>
        new(p.ETag, RevisionGuard.StoredRevision(p), p.ContentLength, p.ContentHash, p.ContentType, p.CacheControl, p.Metadata);

    /// <summary>From a listing made with <see cref="BlobTraits.Metadata"/>.</summary>
    public static StoredBlob From(BlobItem item) =>
        new(item.Properties.ETag ?? default, RevisionGuard.StoredRevision(item.Metadata), item.Properties.ContentLength ?? -1,
            item.Properties.ContentHash, item.Properties.ContentType, item.Properties.CacheControl, item.Metadata);

    /// <summary>A metadata value as stored, or null.</summary>
    public string? MetadataValue(string key) => Metadata is not null && Metadata.TryGetValue(key, out var value) ? value : null;

    public bool IsSame(BinaryData content, string contentType, long revision, string? cacheControl, IReadOnlyDictionary<string, string>? metadata = null) =>
        Revision == revision &&
        (metadata is null || metadata.All(m => MetadataValue(m.Key) == m.Value)) &&
        Length == content.ToMemory().Length &&
        string.Equals(ContentType, contentType, StringComparison.Ordinal) &&
        string.Equals(CacheControl ?? "", cacheControl ?? "", StringComparison.Ordinal) &&
        ContentHash is { Length: 16 } stored &&
#pragma warning disable CA5351 // the blob service's Content-MD5: an equality check, not security
        stored.AsSpan().SequenceEqual(MD5.HashData(content.ToMemory().Span));
#pragma warning restore CA5351
}
