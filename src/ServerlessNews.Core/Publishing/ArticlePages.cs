using Azure.Storage.Blobs;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Publishing;

/// <summary>
/// Article pages in <c>$web</c>: rendered, written (never over a newer revision), taken down and replaced by the
/// removal notice. The one writer of article-page blobs.
/// </summary>
public sealed class ArticlePages(BlobServiceClient blobs, PageRenderer renderer, NoticePages notices, RelatedArticleRecords relatedRecords)
{
    /// <summary>Page metadata: the ids of the related articles the page shows.</summary>
    public const string RelatedMetadataKey = "related";

    public const string PageContentType = "text/html; charset=utf-8";

    /// <summary>Pages change on edits and comments; a CDN may keep them briefly.</summary>
    public const string PageCacheControl = "public, max-age=60";

    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    /// <summary>Starts the reads a page will make, in <paramref name="scope"/>, ahead of its render.</summary>
    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        renderer.PrefetchArticleAsync(document, scope, ct);

    public Task<string> RenderAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        renderer.RenderArticleAsync(document, scope, ct);

    /// <summary>
    /// Writes a page rendered in <paramref name="scope"/> unless a newer revision is there. A page of a batch (a
    /// rebuild) first has the related articles it shows recorded, unless the stored page shows them all: a page is
    /// written only after its records, so those of the stored page exist (a rebuild's usual case: nothing to
    /// record). Rendering does not wait for the listing of <c>$web</c> that way.
    /// </summary>
    /// <param name="probablyNew">No page was ever written for it: try creating it outright.</param>
    /// <param name="lastSeen">The page as a listing of <c>$web</c> showed it (a rebuild), if known.</param>
    /// <returns>False when a newer revision's page was kept.</returns>
    public async Task<bool> WriteAsync(
        ArticleDocument document, string html, RenderScope scope, CancellationToken ct, bool probablyNew = false, StoredBlob? lastSeen = null)
    {
        var related = scope.RelatedShownOn(document.PageBlobName);
        if (scope.IsBatch && related is { Count: > 0 } && !Shows(lastSeen, related))
        {
            await relatedRecords.RecordAsync(document.Article.Id, related, ct);
        }
        // The page carries the related articles it shows (article ids have no commas), so that a rebuild, which
        // lists every page with its metadata, knows which related-article records exist without reading them.
        var metadata = related is { Count: > 0 }
            ? new Dictionary<string, string> { [RelatedMetadataKey] = string.Join(',', related) }
            : null;
        return await RevisionGuard.UploadUnlessNewerAsync(_web.GetBlobClient(document.PageBlobName), BinaryData.FromString(html),
            PageContentType, document.Article.Revision, ct, PageCacheControl, lastSeen, probablyNew, metadata);
    }

    private static bool Shows(StoredBlob? page, IReadOnlyList<string> related) =>
        page?.MetadataValue(RelatedMetadataKey)?.Split(',', StringSplitOptions.RemoveEmptyEntries) is { } shown && related.All(shown.Contains);

    /// <summary>Takes a killed article's page down: the address answers the site's 404 page until its notice is written.</summary>
    public async Task DeleteAsync(string path, CancellationToken ct) =>
        await _web.GetBlobClient(ArticleDocument.PageBlobNameFor(path)).DeleteIfExistsAsync(cancellationToken: ct);

    /// <summary>
    /// What stays at a killed article's address: the static website cannot answer 410, so a page marked noindex
    /// that search engines drop, at the kill's revision (never over a newer one).
    /// </summary>
    public async Task WriteRemovalNoticeAsync(string path, long revision, CancellationToken ct)
    {
        var html = await notices.RenderAsync(NoticePages.Removed, ct);
        await RevisionGuard.UploadUnlessNewerAsync(_web.GetBlobClient(ArticleDocument.PageBlobNameFor(path)), BinaryData.FromString(html),
            PageContentType, revision, ct, PageCacheControl);
    }
}
