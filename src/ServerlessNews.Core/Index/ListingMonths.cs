using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// The months each listing has articles in (partition "months|" + listing key of the listings table, RowKey
/// "2026-11"): its archive links, and for the whole site also what the sitemap index needs of each month.
/// </summary>
public sealed class ListingMonths(TableServiceClient tables) : ListingsTableRows(tables)
{
    public static string Partition(string listingKey) => "months|" + listingKey;

    /// <summary>Records that a listing has an article in <paramref name="month"/>, keeping what is known of it.</summary>
    public Task AddAsync(string listingKey, string month, CancellationToken ct) =>
        Table.UpsertEntityAsync(new TableEntity(Partition(listingKey), month), TableUpdateMode.Merge, ct);

    /// <summary>The months a listing has articles in, newest first ("2026-11"), with what is known of each.</summary>
    public async Task<List<TableEntity>> ListAsync(string listingKey, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(listingKey)}"), cancellationToken: ct))
        {
            rows.Add(row);
        }
        rows.Reverse();
        return rows;
    }

    public Task SetAsync(string listingKey, string month, IDictionary<string, object> values, CancellationToken ct) =>
        Table.UpsertEntityAsync(new TableEntity(values) { PartitionKey = Partition(listingKey), RowKey = month }, TableUpdateMode.Merge, ct);
}
