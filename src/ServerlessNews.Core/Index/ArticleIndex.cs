using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ServerlessNews.Articles;
using ServerlessNews.Storage;

namespace ServerlessNews.Index;

/// <summary>The articles table: current state per article, a row per revision, and path lookups.</summary>
public sealed class ArticleIndex(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.ArticlesTable);

    public async Task<ArticleEntity?> GetAsync(string id, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<ArticleEntity>(id, ArticleEntity.RowFor(id), ArticleEntity.SummaryColumns, ct);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Every article that has an address on the site, published or killed, with its row's summary columns, and its
    /// packed document only <paramref name="withDocuments"/> (<see cref="DocumentOf"/>), a thousand per query (the
    /// table is scanned: for operator commands, never for a request).
    /// </summary>
    public async IAsyncEnumerable<ArticleEntity> OnSiteAsync([EnumeratorCancellation] CancellationToken ct, bool withDocuments = false)
    {
        var filter = TableClient.CreateQueryFilter(
            $"RowKey gt {ArticleEntity.RowPrefix} and RowKey lt {ArticleEntity.RowPrefix[..^1] + "}"} and (State eq {ArticleStates.Published} or State eq {ArticleStates.Killed})");
        IEnumerable<string> columns = withDocuments ? [.. ArticleEntity.SummaryColumns, nameof(ArticleEntity.Document)] : ArticleEntity.SummaryColumns;
        await foreach (var row in _table.QueryAsync<ArticleEntity>(filter, maxPerPage: 1000, columns, ct))
        {
            yield return row;
        }
    }

    /// <summary>One page of the articles that have an address on the site (a site-wide sweep walks them).</summary>
    public async Task<(IReadOnlyList<ArticleEntity> Rows, string? Continuation)> OnSitePageAsync(string? continuation, int pageSize, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"RowKey gt {ArticleEntity.RowPrefix} and RowKey lt {ArticleEntity.RowPrefix[..^1] + "}"} and (State eq {ArticleStates.Published} or State eq {ArticleStates.Killed})");
        string[] columns = [nameof(ArticleEntity.PartitionKey), nameof(ArticleEntity.RowKey), nameof(ArticleEntity.State), nameof(ArticleEntity.Path)];
        await foreach (var page in _table.QueryAsync<ArticleEntity>(filter, maxPerPage: pageSize, columns, ct).AsPages(continuation, pageSize))
        {
            return (page.Values, page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>The document the article's current row was indexed with; null when it did not fit in the row.</summary>
    public async Task<ArticleDocument?> GetIndexedDocumentAsync(string id, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<ArticleEntity>(id, ArticleEntity.RowFor(id), [nameof(ArticleEntity.Document)], ct);
        return response.HasValue && response.Value!.Document is { } packed ? Unpack(packed) : null;
    }

    /// <summary>The current-state row of an article as <see cref="SaveAsync"/> stores it.</summary>
    public static ArticleEntity EntityFor(ArticleDocument document, string state) =>
        EntityFor(document, state, state == ArticleStates.Published ? Pack(document) : null);

    private static ArticleEntity EntityFor(ArticleDocument document, string state, byte[]? packed)
    {
        var a = document.Article;
        var entity = new ArticleEntity
        {
            PartitionKey = a.Id,
            RowKey = ArticleEntity.RowFor(a.Id),
            State = state,
            EmbargoedUntil = a.EmbargoedUntil,
            Document = packed,
        };
        entity.SetSummary(a, document.Path);
        return entity;
    }

    /// <summary>Table properties hold at most 64 KiB; a document that does not fit stays only in <c>content</c>.</summary>
    private const int MaxPackedBytes = 60 * 1024;

    /// <summary>
    /// Brotli at its fastest setting, in one call: it packs a news article about as small as gzip does, and a
    /// publish, which packs one document after an idle spell, does not pay for setting up a deflate stream
    /// (about 1 ms then, against 0.1 ms).
    /// </summary>
    private static byte[]? Pack(ArticleDocument document)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(document, ArticlesJsonContext.Default.ArticleDocument);
        var packed = new byte[BrotliEncoder.GetMaxCompressedLength(json.Length)];
        if (!BrotliEncoder.TryCompress(json, packed, out var length, quality: 1, window: 22) || length > MaxPackedBytes)
        {
            return null;
        }
        return packed[..length];
    }

    /// <summary>The document a row read with its <see cref="ArticleEntity.Document"/> column holds; null when it did not fit in the row.</summary>
    public static ArticleDocument? DocumentOf(ArticleEntity row) => row.Document is { } packed ? Unpack(packed) : null;

    private static ArticleDocument? Unpack(byte[] packed)
    {
        using var brotli = new BrotliStream(new MemoryStream(packed), CompressionMode.Decompress);
        return JsonSerializer.Deserialize(brotli, ArticlesJsonContext.Default.ArticleDocument);
    }

    public async Task<string?> FindByPathAsync(string path, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<PathEntity>(PathEntity.KeyFor(path), PathEntity.KeyFor(path), cancellationToken: ct);
        return response.HasValue ? response.Value!.ArticleId : null;
    }

    /// <summary>Every revision row of one article: a single-partition query, newest first.</summary>
    public async Task<List<RevisionEntity>> GetRevisionsAsync(string id, CancellationToken ct)
    {
        var rows = new List<RevisionEntity>();
        var filter = TableClient.CreateQueryFilter<RevisionEntity>(r =>
            r.PartitionKey == id && r.RowKey.CompareTo(RevisionEntity.RowPrefix) >= 0 && r.RowKey.CompareTo(RevisionEntity.RowEnd) < 0);
        await foreach (var row in _table.QueryAsync<RevisionEntity>(filter, cancellationToken: ct))
        {
            rows.Add(row);
        }
        rows.Reverse();
        return rows;
    }

    /// <summary>
    /// The revisions whose publish may be unfinished: accepted or retrying (never finished), and those published or
    /// killed since <paramref name="since"/> whose completion has not run (<see cref="RevisionEntity.FollowedUp"/>).
    /// A scan of the table's revision rows, filtered by the service: for a host's start, never for a request.
    /// </summary>
    public async IAsyncEnumerable<RevisionEntity> UnfinishedRevisionsAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {RevisionEntity.RowPrefix} and RowKey lt {RevisionEntity.RowEnd} and (State eq {ArticleStates.Accepted} or State eq {ArticleStates.Retrying} or (Timestamp ge {since} and FollowedUp eq false and (State eq {ArticleStates.Published} or State eq {ArticleStates.Killed})))");
        await foreach (var row in _table.QueryAsync<RevisionEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Records an accepted revision and its delivery, once the delivery's message is sent (a publish that got
    /// as far as its index transaction recorded both there). A re-delivery of the same revision keeps the
    /// first record; a record that the publisher created first (its state) gets what it lacks.
    /// </summary>
    /// <returns>False when a concurrent delivery of the same id recorded itself first.</returns>
    public async Task<bool> RecordAcceptedAsync(string articleId, DeliveryRecord delivery, CancellationToken ct)
    {
        var revision = RecordRevisionAsync(articleId, delivery, ct);
        var recorded = RecordDeliveryAsync(articleId, delivery, ct);
        await Task.WhenAll(revision, recorded);
        return await recorded;
    }

    private async Task RecordRevisionAsync(string articleId, DeliveryRecord delivery, CancellationToken ct)
    {
        var entity = new RevisionEntity
        {
            PartitionKey = articleId,
            RowKey = RevisionEntity.RowKeyFor(articleId, delivery.Revision),
            Revision = delivery.Revision,
            State = ArticleStates.Accepted,
            Source = delivery.Source,
            Submission = delivery.Submission,
            ReceivedAt = delivery.ReceivedAt,
        };
        try
        {
            await _table.AddEntityAsync(entity, ct);
            return;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        // The message may be handled before this runs: the publisher then recorded the revision's state alone.
        var existing = await _table.GetEntityIfExistsAsync<RevisionEntity>(articleId, entity.RowKey, cancellationToken: ct);
        if (existing.HasValue && existing.Value!.Source.Length == 0)
        {
            await _table.UpsertEntityAsync(AcceptedFields(articleId, delivery), TableUpdateMode.Merge, ct);
        }
    }

    /// <summary>The revision row's record of its delivery, to merge into it.</summary>
    private static TableEntity AcceptedFields(string articleId, DeliveryRecord delivery) => new(articleId, RevisionEntity.RowKeyFor(articleId, delivery.Revision))
    {
        [nameof(RevisionEntity.Revision)] = delivery.Revision,
        [nameof(RevisionEntity.Source)] = delivery.Source,
        [nameof(RevisionEntity.Submission)] = delivery.Submission,
        [nameof(RevisionEntity.ReceivedAt)] = delivery.ReceivedAt,
    };

    public async Task SetRevisionStateAsync(string id, long revision, string state, string? reason, CancellationToken ct)
    {
        var entity = new TableEntity(id, RevisionEntity.RowKeyFor(id, revision))
        {
            [nameof(RevisionEntity.Revision)] = revision,
            [nameof(RevisionEntity.State)] = state,
            [nameof(RevisionEntity.Reason)] = reason,
            [nameof(RevisionEntity.FollowedUp)] = false,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct);
    }

    /// <summary>Records that the revision's completion ran (<see cref="RevisionEntity.FollowedUp"/>).</summary>
    public async Task MarkFollowedUpAsync(string id, long revision, CancellationToken ct)
    {
        try
        {
            await _table.UpdateEntityAsync(new TableEntity(id, RevisionEntity.RowKeyFor(id, revision)) { [nameof(RevisionEntity.FollowedUp)] = true },
                ETag.All, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No revision row (an article indexed before revisions were recorded): nothing to mark.
        }
    }

    /// <summary>
    /// Writes the lookup from the document's path to the article, unless <paramref name="previousPath"/> shows it
    /// is there already (an article keeps its path). Idempotent: a retry writes it again.
    /// </summary>
    /// <param name="previousPath">The path of the article's row as read before; null when not read.</param>
    public async Task RecordPathAsync(ArticleDocument document, string? previousPath, CancellationToken ct)
    {
        if (document.Path.Length > 0 && previousPath != document.Path)
        {
            var key = PathEntity.KeyFor(document.Path);
            await _table.UpsertEntityAsync(new PathEntity { PartitionKey = key, RowKey = key, ArticleId = document.Article.Id }, TableUpdateMode.Replace, ct);
        }
    }

    /// <summary>Whether a delivery of this article was recorded (<see cref="RecordAcceptedAsync"/>, or with its publish).</summary>
    public async Task<bool> IsKnownDeliveryAsync(string articleId, string deliveryKey, CancellationToken ct) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(articleId, DeliveryRecord.RowKeyFor(deliveryKey), ["PartitionKey"], ct)).HasValue;

    /// <returns>False when a concurrent delivery of the same id recorded itself first.</returns>
    private async Task<bool> RecordDeliveryAsync(string articleId, DeliveryRecord delivery, CancellationToken ct)
    {
        try
        {
            await _table.AddEntityAsync(delivery.ToEntity(articleId), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Stores the article's current state unless a newer revision is already recorded, and marks the revision
    /// with the same state, in one transaction of the article's partition. Optimistic concurrency: on an ETag
    /// conflict it reads again and re-decides.
    /// </summary>
    /// <param name="readBefore">The current row as the caller read it, if it did: saves reading it again.</param>
    /// <param name="delivery">
    /// A delivery to record in the same transaction, with the revision it brought (its message is sent): a
    /// publish in the delivering request records its acceptance and its outcome at once.
    /// </param>
    /// <returns>False when a newer revision won.</returns>
    public async Task<bool> SaveAsync(ArticleDocument document, string state, CancellationToken ct, CurrentRow? readBefore = null, DeliveryRecord? delivery = null)
    {
        var a = document.Article;
        var packed = state == ArticleStates.Published ? Pack(document) : null;
        var known = readBefore;
        while (true)
        {
            var current = known is not null ? known.Entity : await GetAsync(a.Id, ct);
            known = null;
            if (current is not null && current.Revision > a.Revision)
            {
                return false;
            }
            if (current is { Path.Length: > 0 } && document.Path.Length == 0)
            {
                // A kill of an article first published since its row was read: it keeps that address (for the notice).
                document = document with { Path = current.Path };
            }
            if (current is { Path.Length: > 0 } && document.Path.Length > 0 && current.Path != document.Path)
            {
                // An article keeps the path it was first published at: a revision that took another one raced that first
                // publication (both read no row), and is published again at the path that won.
                throw new ArticlePathTakenException(a.Id, current.Path, document.Path);
            }
            var entity = EntityFor(document, state, packed);
            var revisionRow = delivery is not null ? AcceptedFields(a.Id, delivery) : new TableEntity(a.Id, RevisionEntity.RowKeyFor(a.Id, a.Revision));
            revisionRow[nameof(RevisionEntity.Revision)] = a.Revision;
            revisionRow[nameof(RevisionEntity.State)] = state;
            revisionRow[nameof(RevisionEntity.Reason)] = null;
            revisionRow[nameof(RevisionEntity.FollowedUp)] = false;
            List<TableTransactionAction> actions =
            [
                current is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag),
                new TableTransactionAction(TableTransactionActionType.UpsertMerge, revisionRow),
            ];
            if (delivery is not null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, delivery.ToEntity(a.Id)));
            }
            try
            {
                await _table.SubmitTransactionAsync(actions, ct);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another revision was stored in between: decide again against it.
            }
        }
    }
}

/// <summary>A revision was rendered at another path than the one its article was first published at, meanwhile.</summary>
public sealed class ArticlePathTakenException(string articleId, string path, string attempted)
    : Exception($"Article {articleId} was published at {path} meanwhile; this revision was rendered for {attempted} and is published again.")
{
    public string Path { get; } = path;
}

/// <summary>An article's current row as read earlier (null when there was none).</summary>
public sealed record CurrentRow(ArticleEntity? Entity);
