using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// The months each listing has articles in (partition "months|" + listing key of the listings table, RowKey
/// "2026-11"): its archive links. A month's row is kept by the refresh of that month's archive, which adds it when
/// the month has articles and removes it when the last one goes, so no listing links to an empty month.
/// </summary>
public sealed class ListingMonths(TableServiceClient tables) : ListingsTableRows(tables)
{
    public const string PartitionPrefix = "months|";

    public static string Partition(string listingKey) => PartitionPrefix + listingKey;

    /// <summary>The months a listing has articles in, newest first ("2026-11").</summary>
    public async Task<List<string>> ListAsync(string listingKey, CancellationToken ct)
    {
        var rows = new List<string>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(listingKey)}"), select: ["RowKey"], cancellationToken: ct))
        {
            rows.Add(row.RowKey);
        }
        rows.Reverse();
        return rows;
    }

    /// <summary>Records whether a listing has articles in <paramref name="month"/>.</summary>
    /// <returns>True when that changed: the listing's archive links change.</returns>
    public async Task<bool> SetAsync(string listingKey, string month, bool hasArticles, CancellationToken ct)
    {
        try
        {
            if (hasArticles)
            {
                await Table.AddEntityAsync(new TableEntity(Partition(listingKey), month), ct);
            }
            else
            {
                await Table.DeleteEntityAsync(Partition(listingKey), month, ETag.All, ct);
            }
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
            return false; // already so
        }
    }

    /// <summary>Every listing's months, by listing key (a rebuild repairing the index; an operator command may scan).</summary>
    public async Task<Dictionary<string, HashSet<string>>> AllAsync(CancellationToken ct)
    {
        var all = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and PartitionKey lt {PartitionPrefix[..^1] + "}"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            var listing = row.PartitionKey[PartitionPrefix.Length..];
            if (!all.TryGetValue(listing, out var months))
            {
                all[listing] = months = new HashSet<string>(StringComparer.Ordinal);
            }
            months.Add(row.RowKey);
        }
        return all;
    }

    /// <summary>One page of every listing's month rows, in key order (a site-wide sweep walks them).</summary>
    public async Task<(IReadOnlyList<(string ListingKey, string Month)> Rows, string? Continuation)> PageAsync(string? continuation, int pageSize, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and PartitionKey lt {PartitionPrefix[..^1] + "}"}");
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, select: ["PartitionKey", "RowKey"], cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values.Select(r => (r.PartitionKey[PartitionPrefix.Length..], r.RowKey)).ToList(), page.ContinuationToken);
        }
        return ([], null);
    }
}
