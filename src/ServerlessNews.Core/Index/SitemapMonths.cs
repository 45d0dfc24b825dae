using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// What the sitemap index shows of each month (partition <c>sitemap</c> of the listings table, RowKey "2026-11"): its
/// shard count and last modification, written by the refresh of that month's shards, removed when the month empties.
/// </summary>
public sealed class SitemapMonths(TableServiceClient tables) : ListingsTableRows(tables)
{
    public const string Partition = "sitemap";
    private const string ShardsColumn = "Shards";
    private const string LastModifiedColumn = "LastModified";

    public async Task<List<SitemapMonth>> ListAsync(CancellationToken ct)
    {
        var months = new List<SitemapMonth>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
        {
            months.Add(From(row));
        }
        months.Reverse();
        return months;
    }

    /// <summary>Stores a month as its shards were just written (null: the month has no articles).</summary>
    /// <returns>True when the sitemap index changes.</returns>
    public async Task<bool> SetAsync(string month, SitemapMonth? value, CancellationToken ct)
    {
        var stored = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, month, cancellationToken: ct);
        var current = stored.HasValue ? From(stored.Value!) : null;
        if (current == value)
        {
            return false;
        }
        if (value is null)
        {
            try
            {
                await Table.DeleteEntityAsync(Partition, month, ETag.All, ct);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
            return true;
        }
        await Table.UpsertEntityAsync(new TableEntity(Partition, month)
        {
            [ShardsColumn] = value.Shards,
            [LastModifiedColumn] = value.LastModified,
        }, TableUpdateMode.Replace, ct);
        return true;
    }

    /// <summary>Replaces every row with <paramref name="months"/> (a rebuild repairing the index).</summary>
    /// <returns>How many rows changed.</returns>
    public async Task<int> ReplaceAllAsync(IReadOnlyList<SitemapMonth> months, CancellationToken ct)
    {
        var stored = await ListAsync(ct);
        var changed = 0;
        foreach (var month in stored.Where(s => !months.Any(m => m.Month == s.Month)))
        {
            changed += await SetAsync(month.Month, null, ct) ? 1 : 0;
        }
        foreach (var month in months.Where(m => !stored.Contains(m)))
        {
            changed += await SetAsync(month.Month, month, ct) ? 1 : 0;
        }
        return changed;
    }

    private static SitemapMonth From(TableEntity row) =>
        new(row.RowKey, row.GetInt32(ShardsColumn) ?? 0, row.GetDateTimeOffset(LastModifiedColumn) ?? DateTimeOffset.UnixEpoch);
}
