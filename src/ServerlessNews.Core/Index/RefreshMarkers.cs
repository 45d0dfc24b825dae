using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// Outputs that changed since they were last rendered: a row per output key in the <c>dirty</c> partition of the
/// listings table. The protocol that makes the site converge:
/// <list type="bullet">
/// <item>a change, once stored, marks every output it affects (<see cref="TryMarkAsync"/>); only a new marker is
/// queued, so however many changes touch an output while it waits, it is rendered once;</item>
/// <item>a render first claims the marker (<see cref="ClaimAsync"/>), then reads and writes, then releases it only if
/// nothing marked it meanwhile (<see cref="TryReleaseAsync"/>); otherwise it renders again. So the last render of an
/// output always started after the last change to what it shows, and a render that read too early is never the last.</item>
/// </list>
/// A marker whose message was lost (a crash between the insert and the send) is queued again once stale, and so is one
/// whose render was claimed longer than <see cref="ClaimLease"/> ago: the host that claimed it died, and its message is
/// held by the queue for minutes (its lease), during which every later change would only touch the marker.
/// </summary>
public sealed class RefreshMarkers(TableServiceClient tables, TimeProvider time) : ListingsTableRows(tables)
{
    public const string Partition = "dirty";
    private const string ChangedAtColumn = "ChangedAt";
    private const string QueuedAtColumn = "QueuedAt";
    private const string ClaimedAtColumn = "ClaimedAt";

    /// <summary>A render of one output takes seconds; a claim older than this belongs to a render that died.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Marks an output as changed. True when the caller should queue its refresh: no marker was pending, or the pending
    /// one was queued (or claimed) longer than <paramref name="staleAfter"/> ago (its message was lost), or its render was
    /// claimed longer than <see cref="ClaimLease"/> ago (that render died).
    /// </summary>
    public async Task<bool> TryMarkAsync(string outputKey, TimeSpan staleAfter, CancellationToken ct)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            try
            {
                await Table.AddEntityAsync(new TableEntity(Partition, outputKey) { [ChangedAtColumn] = now, [QueuedAtColumn] = now }, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
            }
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, outputKey, cancellationToken: ct);
            if (!existing.HasValue)
            {
                continue; // released in between: mark again
            }
            var since = existing.Value!.GetDateTimeOffset(QueuedAtColumn) ?? existing.Value.GetDateTimeOffset(ChangedAtColumn) ?? DateTimeOffset.MinValue;
            var claimedAt = existing.Value.GetDateTimeOffset(ClaimedAtColumn);
            var stale = now - since >= staleAfter || (claimedAt is { } claimed && now - claimed >= ClaimLease);
            // The touch is what tells a render under way that it read too early; a stale marker is queued afresh.
            var touched = new TableEntity(Partition, outputKey) { [ChangedAtColumn] = now };
            if (stale)
            {
                touched[QueuedAtColumn] = now;
            }
            try
            {
                await Table.UpdateEntityAsync(touched, existing.Value.ETag, stale ? TableUpdateMode.Replace : TableUpdateMode.Merge, ct);
                return stale;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Released or touched in between: decide again.
            }
        }
    }

    /// <summary>Touches an output's marker if one is pending, so that its render (queued or under way) reads after now.</summary>
    /// <returns>False when none is pending.</returns>
    public async Task<bool> TouchIfPendingAsync(string outputKey, CancellationToken ct)
    {
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(Partition, outputKey) { [ChangedAtColumn] = time.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Claims an output for a render starting now: creates or touches its marker.</summary>
    /// <returns>The marker as claimed, for <see cref="TryReleaseAsync"/>.</returns>
    public async Task<ETag> ClaimAsync(string outputKey, CancellationToken ct)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            var marker = new TableEntity(Partition, outputKey) { [ChangedAtColumn] = now, [ClaimedAtColumn] = now };
            try
            {
                return (await Table.UpdateEntityAsync(marker, ETag.All, TableUpdateMode.Merge, ct)).Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
            try
            {
                return (await Table.AddEntityAsync(marker, ct)).Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Marked in between: touch it.
            }
        }
    }

    /// <summary>Ends a render: removes the marker unless it was touched since <paramref name="claimed"/>.</summary>
    /// <returns>False when it was (or another render removed it): what this render read may be older than a change, render again.</returns>
    public async Task<bool> TryReleaseAsync(string outputKey, ETag claimed, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(Partition, outputKey, claimed, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Records that the output's refresh was queued again (its render found a newer change).</summary>
    public async Task MarkQueuedAsync(string outputKey, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Replaced: the claim of the render that queued it again is over.
        await Table.UpsertEntityAsync(new TableEntity(Partition, outputKey) { [ChangedAtColumn] = now, [QueuedAtColumn] = now }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Pending markers whose refresh was queued (or claimed) longer than <paramref name="staleAfter"/> ago.</summary>
    public async IAsyncEnumerable<string> StaleAsync(TimeSpan staleAfter, [EnumeratorCancellation] CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 1000, cancellationToken: ct))
        {
            var since = row.GetDateTimeOffset(QueuedAtColumn) ?? row.GetDateTimeOffset(ChangedAtColumn) ?? DateTimeOffset.MinValue;
            if (now - since >= staleAfter)
            {
                yield return row.RowKey;
            }
        }
    }

    /// <summary>Whether any output waits for a refresh: the site is quiet only when none does.</summary>
    public async Task<bool> AnyPendingAsync(CancellationToken ct)
    {
        await foreach (var _ in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 1, select: ["RowKey"], cancellationToken: ct))
        {
            return true;
        }
        return false;
    }
}
