using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ServerlessNews.Storage;

namespace ServerlessNews.Index;

/// <summary>A listing an article entered or left, and the month of its row there: what has to be re-rendered.</summary>
public sealed record ListingTouch(string ListingKey, string Month);

/// <summary>
/// The listings table: every published article once per listing it is in (site, section, tags, authors),
/// newest first, plus small partitions for the months each listing has, the known sections, pending
/// refresh markers and which article pages show an article as related. Every read is one partition,
/// usually its first rows: nothing here scans a table or grows with the site. The head of each listing
/// (its newest rows, and the section list) is a row of a table of its own, so that the few a page shows
/// are read in one request without the service looking through listing rows.
/// </summary>
public sealed partial class ListingIndex(TableServiceClient tables, TimeProvider time, ILogger<ListingIndex> logger)
{
    public const string SectionsPartition = "sections";
    public const string DirtyPartition = "dirty";
    public const string HeadsPartition = "heads";

    /// <summary>Rows a listing's head keeps: enough for the related block and a front page.</summary>
    public const int HeadSize = 25;

    /// <summary>The sections head's row key; listing keys never start with '|'.</summary>
    public const string SectionsHeadKey = "|sections";

    private readonly TableClient _table = tables.GetTableClient(StorageNames.ListingsTable);
    private readonly TableClient _heads = tables.GetTableClient(StorageNames.ListingHeadsTable);

    /// <summary>
    /// The section list's head as this process last read or wrote it, and when (a null head: none was written).
    /// A page that will be rendered again from fresh reads moments later may show it (<see cref="TryRecentSections"/>).
    /// </summary>
    private volatile RecentHead? _recentSections;

    private sealed record RecentHead(ListingHeadEntity? Head, DateTimeOffset At);

    public static string MonthsPartition(string listingKey) => "months|" + listingKey;

    /// <summary>
    /// Which pages show which article as related: one partition, RowKey = related id + "|" + page id, so that a
    /// page's records are one transaction and a kill finds the pages that show an article with one key range.
    /// </summary>
    public const string RelatedByPartition = "relatedby";

    private static string RelatedByKey(string relatedId, string pageId) => relatedId + "|" + pageId;

    /// <summary>
    /// Brings the article's rows in line with its stored state: a published article is in every listing it
    /// belongs to (and in no other), a killed or unpublished one in none. Crash-safe and repeatable: the
    /// membership row is widened to old ∪ new before any row changes and narrowed after, so a retry or a
    /// later revision always knows every row that may exist. Syncs of several revisions may race: each row
    /// is written or deleted only if it does not hold a newer revision, and a sync that a newer one overtook
    /// takes back the rows it wrote, so the newest revision's rows are the ones left.
    /// </summary>
    /// <returns>Every listing and month whose pages change; empty when a newer revision already owns the rows.</returns>
    public async Task<IReadOnlyList<ListingTouch>> SyncAsync(ArticleEntity article, CancellationToken ct)
    {
        var desired = article.State == ArticleStates.Published ? RowsFor(article) : [];
        var desiredKeys = desired.Select(KeyOf).ToHashSet(StringComparer.Ordinal);
        HashSet<string> old;
        ETag claimed;
        while (true)
        {
            var response = await _table.GetEntityIfExistsAsync<ListingMembershipEntity>(ListingMembershipEntity.KeyFor(article.PartitionKey), ListingMembershipEntity.KeyFor(article.PartitionKey), cancellationToken: ct);
            var membership = response.HasValue ? response.Value : null;
            if (membership is not null && membership.Revision > article.Revision)
            {
                return [];
            }
            old = (JsonSerializer.Deserialize(membership?.Rows ?? "[]", CoreJsonContext.Default.IReadOnlyListString) ?? []).ToHashSet(StringComparer.Ordinal);
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
                    ? (await _table.AddEntityAsync(claim, ct)).Headers.ETag ?? default
                    : (await _table.UpdateEntityAsync(claim, membership.ETag, TableUpdateMode.Replace, ct)).Headers.ETag ?? default;
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
        work.AddRange(desired.Select(row => (Task)_table.UpsertEntityAsync(
            new TableEntity(MonthsPartition(row.PartitionKey), Months.Of(row.PublishedAt)), TableUpdateMode.Merge, ct)));
        if (article.State == ArticleStates.Published)
        {
            var section = ListingRef.Section(article.Section);
            work.Add(_table.UpsertEntityAsync(new TableEntity(SectionsPartition, section.Slug) { ["Name"] = article.Section }, TableUpdateMode.Replace, ct));
        }
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
            await _table.UpdateEntityAsync(narrowed, claimed, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another sync claimed the rows meanwhile; its own narrowing is the one that counts. If it is a newer
            // revision, it may have deleted a row of ours before our write of it landed: such a row is in no
            // membership any more, so only this sync can take it back (a host dying right here would leave it).
            var current = await _table.GetEntityIfExistsAsync<ListingMembershipEntity>(narrowed.PartitionKey, narrowed.RowKey, cancellationToken: ct);
            if (current.HasValue && current.Value!.Revision > article.Revision)
            {
                await Task.WhenAll(desired.Select(row => DeleteUnlessNewerAsync((row.PartitionKey, row.RowKey), article.Revision, ct)));
                LogOvertaken(article.PartitionKey, article.Revision, current.Value.Revision);
            }
        }

        // The heads last, after any row taken back: a head is rewritten from its partition, so it then holds
        // what the rows hold.
        var heads = old.Union(desiredKeys).Select(k => SplitKey(k).PartitionKey).Distinct(StringComparer.Ordinal).Select(k => RefreshHeadAsync(k, ct)).ToList();
        if (article.State == ArticleStates.Published)
        {
            heads.Add(RefreshSectionsHeadAsync(ListingRef.Section(article.Section), ct));
        }
        await Task.WhenAll(heads);

        return old.Union(desiredKeys)
            .Select(SplitKey)
            .Select(k => new ListingTouch(k.PartitionKey, Months.Of(ListingEntity.PublishedAtOf(k.RowKey))))
            .Distinct()
            .ToList();
    }

    /// <summary>The listing rows a published article has: one per listing it is in.</summary>
    public static List<ListingEntity> RowsFor(ArticleEntity article)
    {
        var tags = JsonSerializer.Deserialize(article.Tags, CoreJsonContext.Default.IReadOnlyListString) ?? [];
        var authors = JsonSerializer.Deserialize(article.Authors, CoreJsonContext.Default.IReadOnlyListString) ?? [];
        return ListingRef.For(article.Section, tags, authors).Select(listing => new ListingEntity
        {
            PartitionKey = listing.Key,
            RowKey = ListingEntity.RowKeyFor(article.PublishedAt, article.PartitionKey),
            ArticleId = article.PartitionKey,
            Revision = article.Revision,
            Headline = article.Headline,
            Summary = article.Summary,
            Path = article.Path,
            Section = article.Section,
            Authors = article.Authors,
            Tags = article.Tags,
            PublishedAt = article.PublishedAt,
            UpdatedAt = article.UpdatedAt,
            ListingName = listing.Name,
        }).ToList();
    }

    private static string KeyOf(ListingEntity row) => row.PartitionKey + "\n" + row.RowKey;

    private static (string PartitionKey, string RowKey) SplitKey(string key)
    {
        var newline = key.IndexOf('\n', StringComparison.Ordinal);
        return (key[..newline], key[(newline + 1)..]);
    }

    private static string Serialize(IEnumerable<string> keys) =>
        JsonSerializer.Serialize(keys.Order(StringComparer.Ordinal).ToList(), CoreJsonContext.Default.IReadOnlyListString);

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
                var response = await _table.GetEntityIfExistsAsync<ListingEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct);
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
                    await _table.AddEntityAsync(row, ct);
                }
                else
                {
                    await _table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace, ct);
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
            var response = await _table.GetEntityIfExistsAsync<ListingEntity>(key.PartitionKey, key.RowKey, select: [nameof(ListingEntity.Revision)], cancellationToken: ct);
            if (!response.HasValue || response.Value!.Revision > revision)
            {
                return;
            }
            try
            {
                await _table.DeleteEntityAsync(key.PartitionKey, key.RowKey, response.Value.ETag, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Changed in between: decide again.
            }
        }
    }

    private async Task DeleteIfExistsAsync((string PartitionKey, string RowKey) key, CancellationToken ct)
    {
        try
        {
            await _table.DeleteEntityAsync(key.PartitionKey, key.RowKey, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>
    /// The newest rows of one listing from its head: one point read. Falls back to the partition query for
    /// more rows than a head keeps, or for a listing whose head was never written (a site indexed before heads).
    /// </summary>
    public async Task<List<ListingEntity>> NewestAsync(string listingKey, int count, CancellationToken ct) =>
        await NewestAsync(listingKey, count, count <= HeadSize ? await ReadHeadAsync(listingKey, ct) : null, ct);

    /// <summary>The newest rows of one listing from its head as read before (null: none), else from its partition.</summary>
    public async Task<List<ListingEntity>> NewestAsync(string listingKey, int count, ListingHeadEntity? head, CancellationToken ct)
    {
        if (count <= HeadSize && head is not null)
        {
            var rows = JsonSerializer.Deserialize(head.Rows, CoreJsonContext.Default.ListHeadRow) ?? [];
            return rows.Take(count).Select(r => r.ToEntity(listingKey)).ToList();
        }
        return await TopAsync(listingKey, count, ct);
    }

    /// <summary>One listing's head (<see cref="SectionsHeadKey"/> for the section list); null when never written.</summary>
    public async Task<ListingHeadEntity?> ReadHeadAsync(string key, CancellationToken ct)
    {
        var response = await _heads.GetEntityIfExistsAsync<ListingHeadEntity>(HeadsPartition, key, cancellationToken: ct);
        var head = response.HasValue ? response.Value : null;
        RememberHead(key, head);
        return head;
    }

    /// <summary>
    /// The section list's head as this process last read or wrote it, if that was less than <paramref name="maxAge"/> ago.
    /// </summary>
    /// <param name="head">The head then; null when none was written.</param>
    public bool TryRecentSections(TimeSpan maxAge, out ListingHeadEntity? head)
    {
        var recent = _recentSections;
        head = recent?.Head;
        return recent is not null && time.GetUtcNow() - recent.At < maxAge;
    }

    private void RememberHead(string key, ListingHeadEntity? head)
    {
        if (key == SectionsHeadKey)
        {
            _recentSections = new(head, time.GetUtcNow());
        }
    }

    /// <summary>
    /// Several heads in one request (one partition of a small table): what one page shows. A key whose head
    /// was never written is missing from the answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ListingHeadEntity>> ReadHeadsAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var heads = new Dictionary<string, ListingHeadEntity>(StringComparer.Ordinal);
        if (keys.Count == 1)
        {
            if (await ReadHeadAsync(keys.First(), ct) is { } head)
            {
                heads[head.RowKey] = head;
            }
            return heads;
        }
        var filter = $"PartitionKey eq '{HeadsPartition}' and ({string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")))})";
        await foreach (var head in _heads.QueryAsync<ListingHeadEntity>(filter, maxPerPage: keys.Count, cancellationToken: ct))
        {
            heads[head.RowKey] = head;
        }
        if (keys.Contains(SectionsHeadKey))
        {
            RememberHead(SectionsHeadKey, heads.GetValueOrDefault(SectionsHeadKey));
        }
        return heads;
    }

    /// <summary>
    /// Rewrites a listing's head from its partition. The write is conditional on the head read before the
    /// query, so of two syncs racing, the one whose query may have missed the other's rows writes again.
    /// </summary>
    private async Task RefreshHeadAsync(string listingKey, CancellationToken ct)
    {
        while (true)
        {
            var head = await ReadHeadAsync(listingKey, ct);
            var rows = await TopAsync(listingKey, HeadSize, ct);
            var json = JsonSerializer.Serialize(rows.Select(HeadRow.From).ToList(), CoreJsonContext.Default.ListHeadRow);
            if (await TryWriteHeadAsync(listingKey, json, head, ct))
            {
                return;
            }
        }
    }

    /// <summary>Adds a section to the sections head when it is not there yet (once per new section).</summary>
    private async Task RefreshSectionsHeadAsync(ListingRef section, CancellationToken ct)
    {
        while (true)
        {
            var head = await ReadHeadAsync(SectionsHeadKey, ct);
            if (head is not null && (JsonSerializer.Deserialize(head.Rows, CoreJsonContext.Default.ListSectionName) ?? [])
                    .Contains(new SectionName(section.Slug, section.Name)))
            {
                return;
            }
            var sections = await QuerySectionsAsync(ct);
            var json = JsonSerializer.Serialize(sections.Select(s => new SectionName(s.Slug, s.Name)).ToList(), CoreJsonContext.Default.ListSectionName);
            if (await TryWriteHeadAsync(SectionsHeadKey, json, head, ct))
            {
                return;
            }
        }
    }

    /// <returns>False when the head changed since it was read: read and query again.</returns>
    private async Task<bool> TryWriteHeadAsync(string rowKey, string json, ListingHeadEntity? read, CancellationToken ct)
    {
        // Written even when unchanged: the new ETag is what makes a racing refresh whose query ran before a row
        // was deleted fail its conditional write and query again, instead of putting the deleted row back.
        var entity = new ListingHeadEntity { PartitionKey = HeadsPartition, RowKey = rowKey, Rows = json };
        try
        {
            var response = read is null
                ? await _heads.AddEntityAsync(entity, ct)
                : await _heads.UpdateEntityAsync(entity, read.ETag, TableUpdateMode.Replace, ct);
            entity.ETag = response.Headers.ETag ?? default;
            RememberHead(rowKey, entity);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            if (rowKey == SectionsHeadKey)
            {
                _recentSections = null; // changed since: read it again
            }
            return false;
        }
    }

    /// <summary>The newest rows of one listing: one partition query that stops after <paramref name="count"/>.</summary>
    public async Task<List<ListingEntity>> TopAsync(string listingKey, int count, CancellationToken ct, DateTimeOffset? notBefore = null)
    {
        var filter = notBefore is { } from
            ? TableClient.CreateQueryFilter($"PartitionKey eq {listingKey} and RowKey lt {ListingEntity.InvertedTicks(from) + "~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {listingKey}");
        var rows = new List<ListingEntity>(count);
        await foreach (var row in _table.QueryAsync<ListingEntity>(filter, maxPerPage: Math.Min(count, 1000), cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count == count)
            {
                break;
            }
        }
        return rows;
    }

    /// <summary>The rows of one listing published in [from, to), newest first: a key range within one partition.</summary>
    public async Task<List<ListingEntity>> RangeAsync(string listingKey, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // Later times have smaller keys; '~' sorts after the '|' that follows the time in every key.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {listingKey} and RowKey gt {ListingEntity.InvertedTicks(to) + "~"} and RowKey lt {ListingEntity.InvertedTicks(from) + "~"}");
        var rows = new List<ListingEntity>();
        await foreach (var row in _table.QueryAsync<ListingEntity>(filter, cancellationToken: ct))
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
        await foreach (var page in _table.QueryAsync<ListingEntity>(filter, maxPerPage: pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values, page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>The months a listing has articles in, newest first ("2026-11"), with what is known of each.</summary>
    public async Task<List<TableEntity>> MonthsAsync(string listingKey, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MonthsPartition(listingKey)}"), cancellationToken: ct))
        {
            rows.Add(row);
        }
        rows.Reverse();
        return rows;
    }

    public Task SetMonthAsync(string listingKey, string month, IDictionary<string, object> values, CancellationToken ct) =>
        _table.UpsertEntityAsync(new TableEntity(values) { PartitionKey = MonthsPartition(listingKey), RowKey = month }, TableUpdateMode.Merge, ct);

    /// <summary>Known sections for the navigation, ordered by name: one point read of the sections head.</summary>
    public async Task<List<(string Slug, string Name)>> SectionsAsync(CancellationToken ct) =>
        await SectionsAsync(await ReadHeadAsync(SectionsHeadKey, ct), ct);

    /// <summary>The known sections from the sections head as read before (null: none), else from their partition.</summary>
    public async Task<List<(string Slug, string Name)>> SectionsAsync(ListingHeadEntity? head, CancellationToken ct) =>
        head is not null
            ? (JsonSerializer.Deserialize(head.Rows, CoreJsonContext.Default.ListSectionName) ?? []).Select(s => (s.Slug, s.Name)).ToList()
            : await QuerySectionsAsync(ct);

    private async Task<List<(string Slug, string Name)>> QuerySectionsAsync(CancellationToken ct)
    {
        var sections = new List<(string, string)>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SectionsPartition}"), cancellationToken: ct))
        {
            sections.Add((row.RowKey, row.GetString("Name") ?? row.RowKey));
        }
        return sections.OrderBy(s => s.Item2, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// Marks an output as waiting for a refresh. True when the caller should queue that refresh: no marker
    /// was pending, or the pending one is older than <paramref name="staleAfter"/> (its message was lost
    /// between the insert and the send).
    /// </summary>
    public async Task<bool> TryMarkDirtyAsync(string outputKey, TimeSpan staleAfter, CancellationToken ct)
    {
        var marker = new TableEntity(DirtyPartition, outputKey) { ["MarkedAt"] = time.GetUtcNow() };
        try
        {
            await _table.AddEntityAsync(marker, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(DirtyPartition, outputKey, cancellationToken: ct);
        if (!existing.HasValue)
        {
            return await TryMarkDirtyAsync(outputKey, staleAfter, ct); // cleared in between: mark again
        }
        var markedAt = existing.Value!.GetDateTimeOffset("MarkedAt") ?? DateTimeOffset.MinValue;
        if (time.GetUtcNow() - markedAt < staleAfter)
        {
            return false;
        }
        try
        {
            await _table.UpdateEntityAsync(marker, existing.Value.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false; // someone else re-marked or cleared it and queued the refresh
        }
    }

    public async Task ClearDirtyAsync(string outputKey, CancellationToken ct) => await DeleteIfExistsAsync((DirtyPartition, outputKey), ct);

    /// <summary>Remembers that <paramref name="articleId"/>'s page shows each of <paramref name="relatedIds"/>: one transaction.</summary>
    public async Task RecordRelatedAsync(string articleId, IEnumerable<string> relatedIds, CancellationToken ct)
    {
        foreach (var chunk in relatedIds.Distinct(StringComparer.Ordinal).Chunk(100))
        {
            await _table.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace, new TableEntity(RelatedByPartition, RelatedByKey(id, articleId)))), ct);
        }
    }

    /// <summary>The articles whose pages showed <paramref name="articleId"/> as related when they were last rendered.</summary>
    public async Task<List<string>> RelatedByAsync(string articleId, CancellationToken ct)
    {
        var ids = new List<string>();
        // Article ids have no '|', and '}' follows '|': the range holds exactly this article's records.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {RelatedByPartition} and RowKey gt {articleId + "|"} and RowKey lt {articleId + "}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
        {
            ids.Add(row.RowKey[(articleId.Length + 1)..]);
        }
        return ids;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listing rows of article {ArticleId} revision {Revision} withdrawn: revision {Newer} synced meanwhile")]
    private partial void LogOvertaken(string articleId, long revision, long newer);
}

