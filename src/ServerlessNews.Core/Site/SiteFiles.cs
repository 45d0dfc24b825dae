using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// Writes a rendered output to <c>$web</c>: its files (an article's address through <see cref="ArticlePages"/>, never
/// over a newer revision), then removes what it owns and no longer produced.
/// </summary>
public sealed class SiteFiles(BlobServiceClient blobs, ArticlePages articlePages)
{
    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    /// <summary>A refresh's write: every file, as rendered, except those of its stable run that are stored as rendered.</summary>
    public async Task WriteAsync(RenderedOutput output, CancellationToken ct)
    {
        var stored = output.Stable is { } prefix ? await RevisionGuard.ListAsync(_web, ct, prefix) : [];
        foreach (var file in output.Files)
        {
            if (stored.TryGetValue(file.Name, out var listed) && file.IsStoredAs(listed))
            {
                continue;
            }
            await UploadAsync(file, ct);
        }
        await RemoveLeftoversAsync(output, ct);
    }

    /// <summary>
    /// A rebuild's write of one file, against the listing of <c>$web</c> it made: nothing when the stored blob is the
    /// same, and never over a blob written since it was listed (a refresh that ran meanwhile read newer state).
    /// </summary>
    /// <returns>True when the file was written.</returns>
    public async Task<bool> WriteIfChangedAsync(SiteFile file, StoredBlob? listed, CancellationToken ct)
    {
        if (listed is not null && file.IsStoredAs(listed))
        {
            return false;
        }
        var conditions = listed is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = listed.ETag };
        if (file.Revision is not null)
        {
            return await articlePages.WriteIfUnchangedAsync(file, listed, conditions, ct);
        }
        try
        {
            await UploadAsync(file, ct, conditions);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Removes a blob no output produces any more, unless it changed since it was listed.</summary>
    public async Task<bool> RemoveAsync(string name, StoredBlob listed, CancellationToken ct)
    {
        try
        {
            await _web.GetBlobClient(name).DeleteAsync(conditions: new BlobRequestConditions { IfMatch = listed.ETag }, cancellationToken: ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    private async Task UploadAsync(SiteFile file, CancellationToken ct, BlobRequestConditions? conditions = null)
    {
        if (file.Revision is not null)
        {
            await articlePages.WriteAsync(file, ct);
            return;
        }
        await _web.GetBlobClient(file.Name).UploadAsync(file.Content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType, CacheControl = file.CacheControl },
            Metadata = file.Metadata?.ToDictionary(),
            Conditions = conditions,
        }, ct);
    }

    private async Task RemoveLeftoversAsync(RenderedOutput output, CancellationToken ct)
    {
        var produced = output.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in output.Owned.Where(n => !produced.Contains(n)))
        {
            await _web.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct);
        }
        if (output.Numbered is { } numbered)
        {
            // Pages or shards left over from when the run was longer (kills shrink a month).
            for (var i = output.NumberedCount; await _web.GetBlobClient(numbered(i)).DeleteIfExistsAsync(cancellationToken: ct); i++)
            {
            }
        }
    }
}
