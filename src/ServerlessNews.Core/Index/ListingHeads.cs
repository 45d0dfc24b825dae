using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ServerlessNews.Storage;

namespace ServerlessNews.Index;

/// <summary>
/// The listingheads table: one row per listing holding its newest rows (<see cref="Size"/>), and one holding the
/// section list (<see cref="SectionsKey"/>), so that the few heads a page shows are read in one request of a small
/// table, without the service looking through listing rows. The listings table stays the record: a head is rewritten
/// from it after every change (<see cref="ListingIndex"/>, <see cref="SectionIndex"/>), conditionally on the head read
/// before. The section list as this process last read or wrote it is remembered, for pages rendered again moments later.
/// </summary>
public sealed class ListingHeads(TableServiceClient tables, TimeProvider time)
{
    /// <summary>Rows a listing's head keeps: enough for the related block and a front page.</summary>
    public const int Size = 25;

    public const string Partition = "heads";

    /// <summary>The sections head's row key; listing keys never start with '|'.</summary>
    public const string SectionsKey = "|sections";

    private readonly TableClient _heads = tables.GetTableClient(StorageNames.ListingHeadsTable);

    /// <summary>
    /// The section list's head as this process last read or wrote it, and when (a null head: none was written).
    /// A page that will be rendered again from fresh reads moments later may show it (<see cref="TryRecentSections"/>).
    /// </summary>
    private volatile RecentHead? _recentSections;

    private sealed record RecentHead(ListingHeadEntity? Head, DateTimeOffset At);

    /// <summary>One head (<see cref="SectionsKey"/> for the section list); null when never written.</summary>
    public async Task<ListingHeadEntity?> ReadAsync(string key, CancellationToken ct)
    {
        var response = await _heads.GetEntityIfExistsAsync<ListingHeadEntity>(Partition, key, cancellationToken: ct);
        var head = response.HasValue ? response.Value : null;
        Remember(key, head);
        return head;
    }

    /// <summary>
    /// Several heads in one request (one partition of a small table): what one page shows. A key whose head
    /// was never written is missing from the answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ListingHeadEntity>> ReadManyAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var heads = new Dictionary<string, ListingHeadEntity>(StringComparer.Ordinal);
        if (keys.Count == 1)
        {
            if (await ReadAsync(keys.First(), ct) is { } head)
            {
                heads[head.RowKey] = head;
            }
            return heads;
        }
        var filter = $"PartitionKey eq '{Partition}' and ({string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")))})";
        await foreach (var head in _heads.QueryAsync<ListingHeadEntity>(filter, maxPerPage: keys.Count, cancellationToken: ct))
        {
            heads[head.RowKey] = head;
        }
        if (keys.Contains(SectionsKey))
        {
            Remember(SectionsKey, heads.GetValueOrDefault(SectionsKey));
        }
        return heads;
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

    private void Remember(string key, ListingHeadEntity? head)
    {
        if (key == SectionsKey)
        {
            _recentSections = new(head, time.GetUtcNow());
        }
    }

    /// <summary>Writes a head conditionally on the one read before (null: none existed).</summary>
    /// <returns>False when the head changed since it was read: read and query again.</returns>
    public async Task<bool> TryWriteAsync(string key, string rows, ListingHeadEntity? read, CancellationToken ct)
    {
        // Written even when unchanged: the new ETag is what makes a racing refresh whose query ran before a row
        // was deleted fail its conditional write and query again, instead of putting the deleted row back.
        var entity = new ListingHeadEntity { PartitionKey = Partition, RowKey = key, Rows = rows };
        try
        {
            var response = read is null
                ? await _heads.AddEntityAsync(entity, ct)
                : await _heads.UpdateEntityAsync(entity, read.ETag, TableUpdateMode.Replace, ct);
            entity.ETag = response.Headers.ETag ?? default;
            Remember(key, entity);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            if (key == SectionsKey)
            {
                _recentSections = null; // changed since: read it again
            }
            return false;
        }
    }

    /// <summary>A listing head's rows, newest first.</summary>
    public static List<ListingEntity> ListingRows(ListingHeadEntity head, string listingKey)
    {
        var rows = JsonSerializer.Deserialize(head.Rows, IndexJsonContext.Default.ListListingEntity) ?? [];
        foreach (var row in rows)
        {
            row.PartitionKey = listingKey;
        }
        return rows;
    }

    public static string ListingRowsJson(IEnumerable<ListingEntity> rows) =>
        JsonSerializer.Serialize(rows.ToList(), IndexJsonContext.Default.ListListingEntity);

    /// <summary>The sections head's list, ordered by name.</summary>
    public static List<SectionName> Sections(ListingHeadEntity head) =>
        JsonSerializer.Deserialize(head.Rows, IndexJsonContext.Default.ListSectionName) ?? [];

    public static string SectionsJson(IEnumerable<SectionName> sections) =>
        JsonSerializer.Serialize(sections.ToList(), IndexJsonContext.Default.ListSectionName);
}
