namespace ServerlessNews.Storage;

/// <summary>
/// One blob of the site as a render produces it: its name in <c>$web</c>, bytes, headers and metadata, and for an
/// article page or notice its revision (written only where no newer revision is stored).
/// </summary>
public sealed record SiteFile(
    string Name, BinaryData Content, string ContentType, string? CacheControl, IReadOnlyDictionary<string, string>? Metadata = null, long? Revision = null)
{
    /// <summary>The metadata stored with the blob: its own, and the revision for an article's address.</summary>
    public IReadOnlyDictionary<string, string> StoredMetadata()
    {
        var metadata = new Dictionary<string, string>(Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (Revision is { } revision)
        {
            metadata[RevisionGuard.RevisionMetadataKey] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    /// <summary>Whether <paramref name="stored"/> holds exactly this file (bytes, headers and metadata).</summary>
    public bool IsStoredAs(StoredBlob stored) =>
        stored.IsSame(Content, ContentType, Revision ?? stored.Revision, CacheControl, StoredMetadata()) &&
        (stored.Metadata?.Count ?? 0) == StoredMetadata().Count;
}
