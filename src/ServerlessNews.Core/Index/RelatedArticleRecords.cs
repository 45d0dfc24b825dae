using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// Which article pages show which article under "Related Articles": one partition (<c>relatedby</c>) of the
/// listings table, RowKey = related id + "|" + page id, so that a page's records are one transaction and a kill
/// finds the pages that show an article with one key range. Records are never deleted.
/// </summary>
public sealed class RelatedArticleRecords(TableServiceClient tables) : ListingsTableRows(tables)
{
    public const string Partition = "relatedby";

    private static string RowKey(string relatedId, string pageId) => relatedId + "|" + pageId;

    /// <summary>Remembers that <paramref name="articleId"/>'s page shows each of <paramref name="relatedIds"/>: one transaction.</summary>
    public async Task RecordAsync(string articleId, IEnumerable<string> relatedIds, CancellationToken ct)
    {
        foreach (var chunk in relatedIds.Distinct(StringComparer.Ordinal).Chunk(100))
        {
            await Table.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace, new TableEntity(Partition, RowKey(id, articleId)))), ct);
        }
    }

    /// <summary>The articles whose pages showed <paramref name="articleId"/> as related when they were last rendered.</summary>
    public async Task<List<string>> PagesShowingAsync(string articleId, CancellationToken ct)
    {
        var ids = new List<string>();
        // Article ids have no '|', and '}' follows '|': the range holds exactly this article's records.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and RowKey gt {articleId + "|"} and RowKey lt {articleId + "}"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
        {
            ids.Add(row.RowKey[(articleId.Length + 1)..]);
        }
        return ids;
    }
}
