using Azure.Data.Tables;
using ServerlessNews.Storage;

namespace ServerlessNews.Images;

/// <summary>
/// Which articles use which uploaded image (<c>imageuses</c> table: PartitionKey the image's key, RowKey the
/// article id), so that renditions made after an article was published reach its page. A page records its
/// images before it reads their manifests: either the rendition function, which writes the manifest first and
/// reads these records after, finds the record, or the page finds the manifest. Records outlive an edit that
/// drops the image: the worst they cause is a page rendered again unchanged.
/// </summary>
public sealed class ImageUses(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.ImageUsesTable);

    public Task RecordAsync(string articleId, IEnumerable<string> imageNames, CancellationToken ct) =>
        Task.WhenAll(imageNames.Select(name =>
            _table.UpsertEntityAsync(new TableEntity(ImageReference.Key(name), articleId), TableUpdateMode.Replace, ct)));

    /// <summary>At most <paramref name="max"/> articles that use the image (one partition: no scan), and whether there are more.</summary>
    public async Task<(List<string> ArticleIds, bool More)> UsedByAsync(string imageName, int max, CancellationToken ct)
    {
        var ids = new List<string>();
        var key = ImageReference.Key(imageName);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == key, maxPerPage: Math.Min(max + 1, 1000), select: ["RowKey"], cancellationToken: ct))
        {
            if (ids.Count == max)
            {
                return (ids, true);
            }
            ids.Add(row.RowKey);
        }
        return (ids, false);
    }
}
