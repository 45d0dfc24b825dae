using Azure.Storage.Blobs;
using ServerlessNews.Articles;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Publishing;

/// <summary>
/// Article pages in <c>$web</c>: rendered, written (never over a newer revision), taken down and replaced by the
/// removal notice. The one writer of article-page blobs, and the one place that says what such a blob holds
/// (<see cref="PageFile"/>, <see cref="NoticeFileAsync"/>), which a verify compares with what is stored.
/// </summary>
public sealed class ArticlePages(BlobServiceClient blobs, PageRenderer renderer, NoticePages notices, PageNavigation navigation)
{
    /// <summary>Page metadata: the ids of the related articles the page shows.</summary>
    public const string RelatedMetadataKey = "related";

    /// <summary>Page metadata: a digest of what the page shows of its related articles (see <see cref="RelatedBlock"/>).</summary>
    public const string RelatedDigestMetadataKey = "relateddigest";

    public const string PageContentType = "text/html; charset=utf-8";

    /// <summary>Pages change on edits and comments; a CDN may keep them briefly.</summary>
    public const string PageCacheControl = "public, max-age=60";

    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    /// <summary>Starts the reads a page will make, in <paramref name="scope"/>, ahead of its render.</summary>
    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        renderer.PrefetchArticleAsync(document, scope, ct);

    public Task<string> RenderAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        renderer.RenderArticleAsync(document, scope, ct);

    /// <summary>The blob a page rendered in <paramref name="scope"/> is: its bytes, headers, revision and the related articles it shows.</summary>
    public static SiteFile PageFile(ArticleDocument document, string html, RenderScope scope) =>
        new(document.PageBlobName, BinaryData.FromString(html), PageContentType, PageCacheControl, RelatedMetadata(scope.RelatedShownOn(document.PageBlobName)),
            document.Article.Revision);

    /// <summary>
    /// The page's metadata: the related articles it shows (article ids have no commas) and the digest of what it shows
    /// of them, so that a refresh knows from the page's properties whether a change to the listings changes it.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? RelatedMetadata(RelatedBlock? block) =>
        block is { Ids.Count: > 0 }
            ? new Dictionary<string, string> { [RelatedMetadataKey] = string.Join(',', block.Ids), [RelatedDigestMetadataKey] = block.Digest }
            : null;

    /// <summary>The related block a stored page carries in its metadata (<see cref="RelatedBlock.None"/> when it shows none).</summary>
    public static RelatedBlock StoredRelated(StoredBlob page) =>
        page.MetadataValue(RelatedMetadataKey) is { Length: > 0 } ids
            ? new RelatedBlock(ids.Split(','), page.MetadataValue(RelatedDigestMetadataKey) ?? "")
            : RelatedBlock.None;

    /// <summary>Writes a page rendered in <paramref name="scope"/> unless a newer revision is there.</summary>
    /// <param name="probablyNew">No page was ever written for it: try creating it outright.</param>
    /// <param name="lastSeen">The page as a listing of <c>$web</c> showed it (a rebuild), if known.</param>
    /// <returns>False when a newer revision's page was kept.</returns>
    public Task<bool> WriteAsync(
        ArticleDocument document, string html, RenderScope scope, CancellationToken ct, bool probablyNew = false, StoredBlob? lastSeen = null) =>
        WriteAsync(PageFile(document, html, scope), ct, probablyNew, lastSeen);

    /// <summary>Writes an article page or removal notice unless a newer revision is there.</summary>
    /// <returns>False when a newer revision's blob was kept.</returns>
    public Task<bool> WriteAsync(SiteFile file, CancellationToken ct, bool probablyNew = false, StoredBlob? lastSeen = null) =>
        RevisionGuard.UploadUnlessNewerAsync(_web.GetBlobClient(file.Name), file.Content, file.ContentType, file.Revision ?? 0, ct,
            file.CacheControl, lastSeen, probablyNew, file.Metadata);

    /// <summary>
    /// Writes an article page or removal notice only if the blob is still as <paramref name="listed"/> (a rebuild's
    /// listing), and never over a newer revision: a publish or refresh that wrote it since read newer state.
    /// </summary>
    /// <returns>False when nothing was written.</returns>
    public async Task<bool> WriteIfUnchangedAsync(SiteFile file, StoredBlob? listed, Azure.Storage.Blobs.Models.BlobRequestConditions conditions, CancellationToken ct) =>
        (listed is null || listed.Revision <= file.Revision) &&
        await RevisionGuard.TryUploadAsync(_web.GetBlobClient(file.Name), file.Content, file.ContentType, file.Revision ?? 0, conditions, file.CacheControl, ct, file.Metadata);

    /// <summary>The page as stored (its revision and metadata), or null.</summary>
    public async Task<StoredBlob?> StoredAsync(string path, CancellationToken ct)
    {
        try
        {
            return StoredBlob.From((await _web.GetBlobClient(ArticleDocument.PageBlobNameFor(path)).GetPropertiesAsync(cancellationToken: ct)).Value);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes the page at <paramref name="path"/> if it is still the one <paramref name="revision"/> wrote.</summary>
    public async Task DeleteIfRevisionAsync(string path, long revision, CancellationToken ct)
    {
        if (await StoredAsync(path, ct) is { } stored && stored.Revision == revision)
        {
            try
            {
                await _web.GetBlobClient(ArticleDocument.PageBlobNameFor(path)).DeleteAsync(
                    conditions: new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = stored.ETag }, cancellationToken: ct);
            }
            catch (Azure.RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Written or removed since: no longer this revision's.
            }
        }
    }

    /// <summary>Takes a killed article's page down: the address answers the site's 404 page until its notice is written.</summary>
    public async Task DeleteAsync(string path, CancellationToken ct) =>
        await _web.GetBlobClient(ArticleDocument.PageBlobNameFor(path)).DeleteIfExistsAsync(cancellationToken: ct);

    /// <summary>
    /// What stays at a killed article's address: the static website cannot answer 410, so a page marked noindex
    /// that search engines drop, at the kill's revision (never over a newer one).
    /// </summary>
    public async Task<SiteFile> NoticeFileAsync(string path, long revision, RenderScope scope, CancellationToken ct) =>
        new(ArticleDocument.PageBlobNameFor(path),
            BinaryData.FromString(await notices.RenderAsync(NoticePages.Removed, await navigation.SectionsAsync(scope, ct), ct)),
            PageContentType, PageCacheControl, null, revision);

    /// <summary>Writes a killed article's removal notice (see <see cref="NoticeFileAsync"/>).</summary>
    public async Task WriteRemovalNoticeAsync(string path, long revision, RenderScope scope, CancellationToken ct) =>
        await WriteAsync(await NoticeFileAsync(path, revision, scope, ct), ct);
}
