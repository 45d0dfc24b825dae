using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// Outputs waiting for a refresh: a row per output key in the <c>dirty</c> partition of the listings table, so
/// that an output is queued once while a refresh of it is pending, however many publishes touch it meanwhile.
/// </summary>
public sealed class RefreshMarkers(TableServiceClient tables, TimeProvider time) : ListingsTableRows(tables)
{
    public const string Partition = "dirty";

    /// <summary>
    /// Marks an output as waiting for a refresh. True when the caller should queue that refresh: no marker
    /// was pending, or the pending one is older than <paramref name="staleAfter"/> (its message was lost
    /// between the insert and the send).
    /// </summary>
    public async Task<bool> TryMarkAsync(string outputKey, TimeSpan staleAfter, CancellationToken ct)
    {
        var marker = new TableEntity(Partition, outputKey) { ["MarkedAt"] = time.GetUtcNow() };
        try
        {
            await Table.AddEntityAsync(marker, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        var existing = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, outputKey, cancellationToken: ct);
        if (!existing.HasValue)
        {
            return await TryMarkAsync(outputKey, staleAfter, ct); // cleared in between: mark again
        }
        var markedAt = existing.Value!.GetDateTimeOffset("MarkedAt") ?? DateTimeOffset.MinValue;
        if (time.GetUtcNow() - markedAt < staleAfter)
        {
            return false;
        }
        try
        {
            await Table.UpdateEntityAsync(marker, existing.Value.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false; // someone else re-marked or cleared it and queued the refresh
        }
    }

    public async Task ClearAsync(string outputKey, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(Partition, outputKey, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }
}
