using Azure.Data.Tables;
using ServerlessNews.Storage;

namespace ServerlessNews.Index;

/// <summary>
/// Rows of one kind in the listings table, which keeps every kind in partitions of its own (listing rows,
/// months, sections, refresh markers, related-article records: docs/site-refresh.md).
/// </summary>
public abstract class ListingsTableRows(TableServiceClient tables)
{
    protected TableClient Table { get; } = tables.GetTableClient(StorageNames.ListingsTable);
}
