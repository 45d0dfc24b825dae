using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Articles;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Tests.Infrastructure;

public static class PipelineExtensions
{
    /// <summary>Takes a submission through the same path as the webhook (after its HTTP checks).</summary>
    public static async Task<bool> SubmitAsync(this StorageFixture storage, JsonNode article, string? deliveryId = null)
    {
        var raw = Encoding.UTF8.GetBytes(article.ToJsonString());
        var parsed = SubmissionParser.ParseJson(raw);
        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        var publishing = storage.Get<PublishingPipeline>();
        return await publishing.AcceptAsync(publishing.NewDelivery(parsed.Submission!, raw, ".json", deliveryId ?? "test:" + Guid.NewGuid(), "test"), CancellationToken.None);
    }

    public static async Task<string?> PageAsync(this StorageFixture storage, string path)
    {
        var blob = storage.Container(StorageNames.WebContainer).GetBlobClient(ArticleDocument.PageBlobNameFor(path));
        if (!await blob.ExistsAsync())
        {
            return null;
        }
        return (await blob.DownloadContentAsync()).Value.Content.ToString();
    }

    /// <summary>Any file of the site by its public path ("/feed.xml", "/world/"); null when it does not exist.</summary>
    public static async Task<string?> WebFileAsync(this StorageFixture storage, string path)
    {
        var name = path.EndsWith('/') ? ArticleDocument.PageBlobNameFor(path) : path.TrimStart('/');
        var blob = storage.Container(StorageNames.WebContainer).GetBlobClient(name);
        return await blob.ExistsAsync() ? (await blob.DownloadContentAsync()).Value.Content.ToString() : null;
    }

    public static async Task<BlobProperties> PagePropertiesAsync(this StorageFixture storage, string path) =>
        (await storage.Container(StorageNames.WebContainer).GetBlobClient(ArticleDocument.PageBlobNameFor(path)).GetPropertiesAsync()).Value;

    public static async Task<JsonElement> StatusAsync(this StorageFixture storage, string id)
    {
        // As the CMS asks: with the article's status key.
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        request.Headers[ArticleStatusKeys.Header] = storage.Get<ArticleStatusKeys>().For(id);
        var result = await storage.Get<ArticleStatusHandler>().HandleAsync(request, id, CancellationToken.None);
        var value = result.GetType().GetProperty("Value")?.GetValue(result) ?? throw new InvalidOperationException($"No body: {result}");
        return JsonSerializer.SerializeToElement(value, value.GetType(), JsonSerializerOptions.Web);
    }
}
