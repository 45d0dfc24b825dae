using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ServerlessNews.Articles;

namespace ServerlessNews.Index;

/// <summary>A row an article has, had or left in a listing: what has to be re-rendered around it.</summary>
public sealed record ListingTouch(string ListingKey, string RowKey)
{
    public string Month => Months.Of(ListingEntity.PublishedAtOf(RowKey));
}

/// <summary>
/// The listing rows of the listings table: every published article once per listing it is in (site, section,
/// tags, authors), newest first, and per article the rows it occupies. Every read is one partition, usually its
/// first rows: nothing here scans a table or grows with the site. A sync keeps each listing's head
/// (<see cref="ListingHeads"/>), which is what pages read, in step with the rows; what else is derived from them (a
/// listing's months, the sections) is kept by the refresh of the outputs that show it.
/// </summary>
public sealed partial class ListingIndex(TableServiceClient tables, ListingHeads heads, ILogger<ListingIndex> logger)
    : ListingsTableRows(tables)
{
    /// <summary>
    /// Brings the article's rows in line with its stored state: a published article is in every listing it
    /// belongs to (and in no other), a killed or unpublished one in none. Crash-safe and repeatable: the
    /// membership row is widened to old ∪ new before any row changes and narrowed after, so a retry or a
    /// later revision always knows every row that may exist. Syncs of several revisions may race: each row
    /// is written or deleted only if it does not hold a newer revision, and a sync that a newer one overtook
    /// takes back the rows it wrote, so the newest revision's rows are the ones left.
    /// </summary>
    /// <returns>Every row the article has or had: the listings and positions whose pages change; empty when a newer revision already owns the rows.</returns>
    public async Task<IReadOnlyList<ListingTouch>> SyncAsync(ArticleEntity article, CancellationToken ct)
    {
        var desired = article.State == ArticleStates.Published ? RowsFor(article) : [];
        var desiredKeys = desired.Select(KeyOf).ToHashSet(StringComparer.Ordinal);
        HashSet<string> old;
        ETag claimed;
        while (true)
        {
            var response = await Table.GetEntityIfExistsAsync<ListingMembershipEntity>(ListingMembershipEntity.KeyFor(article.PartitionKey), ListingMembershipEntity.KeyFor(article.PartitionKey), cancellationToken: ct);
            var membership = response.HasValue ? response.Value : null;
            if (membership is not null && membership.Revision > article.Revision)
            {
                return [];
            }
            old = (JsonSerializer.Deserialize(membership?.Rows ?? "[]", ArticlesJsonContext.Default.IReadOnlyListString) ?? []).ToHashSet(StringComparer.Ordinal);
            var claim = new ListingMembershipEntity
            {
                PartitionKey = ListingMembershipEntity.KeyFor(article.PartitionKey),
                RowKey = ListingMembershipEntity.KeyFor(article.PartitionKey),
                Revision = article.Revision,
                Rows = Serialize(old.Union(desiredKeys)),
            };
            try
            {
                claimed = membership is null
                    ? (await Table.AddEntityAsync(claim, ct)).Headers.ETag ?? default
                    : (await Table.UpdateEntityAsync(claim, membership.ETag, TableUpdateMode.Replace, ct)).Headers.ETag ?? default;
                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another revision is syncing: read its claim and decide again.
            }
        }

        // Row writes and deletes are revision-guarded, so a sync that was overtaken never replaces or removes
        // a newer revision's row, whatever order the requests land in.
        var work = new List<Task>();
        work.AddRange(desired.Select(row => WriteUnlessNewerAsync(row, mayExist: old.Contains(KeyOf(row)), ct)));
        work.AddRange(old.Where(k => !desiredKeys.Contains(k)).Select(k => DeleteUnlessNewerAsync(SplitKey(k), article.Revision, ct)));
        await Task.WhenAll(work);

        var narrowed = new ListingMembershipEntity
        {
            PartitionKey = ListingMembershipEntity.KeyFor(article.PartitionKey),
            RowKey = ListingMembershipEntity.KeyFor(article.PartitionKey),
            Revision = article.Revision,
            Rows = Serialize(desiredKeys),
        };
        try
        {
            await Table.UpdateEntityAsync(narrowed, claimed, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another sync claimed the rows meanwhile; its own narrowing is the one that counts. If it is a newer
            // revision, it may have deleted a row of ours before our write of it landed: such a row is in no
            // membership any more, so only this sync can take it back (a host dying right here would leave it).
            var current = await Table.GetEntityIfExistsAsync<ListingMembershipEntity>(narrowed.PartitionKey, narrowed.RowKey, cancellationToken: ct);
            if (current.HasValue && current.Value!.Revision > article.Revision)
            {
                await Task.WhenAll(desired.Select(row => DeleteUnlessNewerAsync((row.PartitionKey, row.RowKey), article.Revision, ct)));
                LogOvertaken(article.PartitionKey, article.Revision, current.Value.Revision);
            }
        }

        // The heads last, after any row taken back: a head is rewritten from its partition, so it then holds
        // what the rows hold.
        await Task.WhenAll(old.Union(desiredKeys).Select(k => SplitKey(k).PartitionKey).Distinct(StringComparer.Ordinal).Select(k => RefreshHeadAsync(k, ct)));

        return old.Union(desiredKeys)
            .Select(SplitKey)
            .Select(k => new ListingTouch(k.PartitionKey, k.RowKey))
            .Distinct()
            .ToList();
    }

    /// <summary>The listing rows a published article has: one per listing it is in.</summary>
    public static List<ListingEntity> RowsFor(ArticleEntity article)
    {
        return ListingRef.For(article.Section, article.TagNames(), article.AuthorNames()).Select(listing =>
        {
            var row = new ListingEntity
            {
                PartitionKey = listing.Key,
                RowKey = ListingEntity.RowKeyFor(article.PublishedAt, article.PartitionKey),
                ArticleId = article.PartitionKey,
                ListingName = listing.Name,
            };
            row.SetSummary(article);
            return row;
        }).ToList();
    }

    private static string KeyOf(ListingEntity row) => row.PartitionKey + "\n" + row.RowKey;

    private static (string PartitionKey, string RowKey) SplitKey(string key)
    {
        var newline = key.IndexOf('\n', StringComparison.Ordinal);
        return (key[..newline], key[(newline + 1)..]);
    }

    private static string Serialize(IEnumerable<string> keys) =>
        JsonSerializer.Serialize(keys.Order(StringComparer.Ordinal).ToList(), ArticlesJsonContext.Default.IReadOnlyListString);

    /// <summary>
    /// Writes one listing row unless the stored row already holds this or a newer revision: ETag-conditional,
    /// re-deciding on a conflict. A row that did not exist is added without a read (the first publish).
    /// </summary>
    private async Task WriteUnlessNewerAsync(ListingEntity row, bool mayExist, CancellationToken ct)
    {
        while (true)
        {
            ListingEntity? stored = null;
            if (mayExist)
            {
                var response = await Table.GetEntityIfExistsAsync<ListingEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct);
                stored = response.HasValue ? response.Value : null;
                if (stored is not null && stored.Revision >= row.Revision)
                {
                    return;
                }
            }
            try
            {
                if (stored is null)
                {
                    await Table.AddEntityAsync(row, ct);
                }
                else
                {
                    await Table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace, ct);
                }
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Written or deleted in between: read it and decide again.
                mayExist = true;
            }
        }
    }

    /// <summary>Deletes one listing row unless it holds a newer revision than <paramref name="revision"/>: ETag-conditional.</summary>
    private async Task DeleteUnlessNewerAsync((string PartitionKey, string RowKey) key, long revision, CancellationToken ct)
    {
        while (true)
        {
            var response = await Table.GetEntityIfExistsAsync<ListingEntity>(key.PartitionKey, key.RowKey, select: [nameof(ListingEntity.Revision)], cancellationToken: ct);
            if (!response.HasValue || response.Value!.Revision > revision)
            {
                return;
            }
            try
            {
                await Table.DeleteEntityAsync(key.PartitionKey, key.RowKey, response.Value.ETag, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Changed in between: decide again.
            }
        }
    }

    /// <summary>
    /// The newest rows of one listing from its head: one point read. Falls back to the partition query for
    /// more rows than a head keeps, or for a listing whose head was never written (a site indexed before heads).
    /// </summary>
    public async Task<List<ListingEntity>> NewestAsync(string listingKey, int count, CancellationToken ct) =>
        await NewestAsync(listingKey, count, count <= ListingHeads.Size ? await heads.ReadAsync(listingKey, ct) : null, ct);

    /// <summary>The newest rows of one listing from its head as read before (null: none), else from its partition.</summary>
    public async Task<List<ListingEntity>> NewestAsync(string listingKey, int count, ListingHeadEntity? head, CancellationToken ct) =>
        count <= ListingHeads.Size && head is not null
            ? ListingHeads.ListingRows(head, listingKey).Take(count).ToList()
            : await TopAsync(listingKey, count, ct);

    /// <summary>
    /// Rewrites a listing's head from its partition. The write is conditional on the head read before the
    /// query, so of two syncs racing, the one whose query may have missed the other's rows writes again.
    /// </summary>
    private async Task RefreshHeadAsync(string listingKey, CancellationToken ct)
    {
        while (true)
        {
            var head = await heads.ReadAsync(listingKey, ct);
            var rows = await TopAsync(listingKey, ListingHeads.Size, ct);
            if (await heads.TryWriteAsync(listingKey, ListingHeads.ListingRowsJson(rows), head, ct))
            {
                return;
            }
        }
    }

    /// <summary>The newest rows of one listing: one partition query that stops after <paramref name="count"/>.</summary>
    public async Task<List<ListingEntity>> TopAsync(string listingKey, int count, CancellationToken ct, DateTimeOffset? notBefore = null)
    {
        var filter = notBefore is { } from
            ? TableClient.CreateQueryFilter($"PartitionKey eq {listingKey} and RowKey lt {ListingEntity.InvertedTicks(from) + "~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {listingKey}");
        var rows = new List<ListingEntity>(count);
        await foreach (var row in Table.QueryAsync<ListingEntity>(filter, maxPerPage: Math.Min(count, 1000), cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count == count)
            {
                break;
            }
        }
        return rows;
    }

    /// <summary>The <paramref name="count"/> rows that follow <paramref name="rowKey"/> (published before it): one query.</summary>
    public async Task<List<ListingEntity>> OlderThanAsync(string listingKey, string rowKey, int count, CancellationToken ct)
    {
        var rows = new List<ListingEntity>(count);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {listingKey} and RowKey gt {rowKey}");
        await foreach (var row in Table.QueryAsync<ListingEntity>(filter, maxPerPage: count, cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count == count)
            {
                break;
            }
        }
        return rows;
    }

    /// <summary>The rows whose keys lie in [<paramref name="fromKey"/>, <paramref name="toKey"/>), newest first: one key range.</summary>
    public async Task<List<ListingEntity>> KeyRangeAsync(string listingKey, string fromKey, string toKey, CancellationToken ct)
    {
        var rows = new List<ListingEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {listingKey} and RowKey ge {fromKey} and RowKey lt {toKey}");
        await foreach (var row in Table.QueryAsync<ListingEntity>(filter, cancellationToken: ct))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>One listing row, or null.</summary>
    public async Task<ListingEntity?> GetAsync(string listingKey, string rowKey, CancellationToken ct)
    {
        var row = await Table.GetEntityIfExistsAsync<ListingEntity>(listingKey, rowKey, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>The rows of one listing published in [from, to), newest first: a key range within one partition.</summary>
    public async Task<List<ListingEntity>> RangeAsync(string listingKey, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // Later times have smaller keys; '~' sorts after the '|' that follows the time in every key.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {listingKey} and RowKey gt {ListingEntity.InvertedTicks(to) + "~"} and RowKey lt {ListingEntity.InvertedTicks(from) + "~"}");
        var rows = new List<ListingEntity>();
        await foreach (var row in Table.QueryAsync<ListingEntity>(filter, cancellationToken: ct))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>One page of a listing with the Table service's own continuation token.</summary>
    public async Task<(IReadOnlyList<ListingEntity> Rows, string? Continuation)> PageAsync(
        string listingKey, string? continuation, int pageSize, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {listingKey}");
        await foreach (var page in Table.QueryAsync<ListingEntity>(filter, maxPerPage: pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values, page.ContinuationToken);
        }
        return ([], null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listing rows of article {ArticleId} revision {Revision} withdrawn: revision {Newer} synced meanwhile")]
    private partial void LogOvertaken(string articleId, long revision, long newer);
}
