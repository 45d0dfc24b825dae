using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using ServerlessNews.Articles;
using ServerlessNews.Storage;

namespace ServerlessNews.Publishing;

/// <summary>
/// The <c>content</c> container: each article's normalized document, the source of every re-render. Written only
/// when it does not hold a newer revision.
/// </summary>
public sealed class ArticleContent(BlobServiceClient blobs)
{
    public static string BlobName(string articleId) => articleId + ".json";

    private readonly BlobContainerClient _content = blobs.GetBlobContainerClient(StorageNames.ContentContainer);

    /// <returns>False when a newer revision's document was kept.</returns>
    public Task<bool> SaveAsync(ArticleDocument document, bool probablyNew, CancellationToken ct) =>
        RevisionGuard.UploadUnlessNewerAsync(_content.GetBlobClient(BlobName(document.Article.Id)),
            new BinaryData(JsonSerializer.SerializeToUtf8Bytes(document, ArticlesJsonContext.Default.ArticleDocument)), "application/json",
            document.Article.Revision, ct, probablyNew: probablyNew);

    /// <summary>An article's normalized document; null when there is none.</summary>
    public async Task<ArticleDocument?> LoadAsync(string articleId, CancellationToken ct)
    {
        BinaryData json;
        try
        {
            json = (await _content.GetBlobClient(BlobName(articleId)).DownloadContentAsync(ct)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        return JsonSerializer.Deserialize(json.ToMemory().Span, ArticlesJsonContext.Default.ArticleDocument)
            ?? throw new InvalidOperationException($"Empty content document for {articleId}.");
    }
}
