using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ServerlessNews.Articles;
using ServerlessNews.Storage;

namespace ServerlessNews.Index;

/// <summary>The articles table: current state per article, a row per revision, and path lookups.</summary>
public sealed class ArticleIndex(TableServiceClient tables, TimeProvider time)
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.ArticlesTable);

    public async Task<ArticleEntity?> GetAsync(string id, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<ArticleEntity>(id, ArticleEntity.Row, ArticleEntity.SummaryColumns, ct);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Every published article with its document, a thousand per query (the table is scanned: for operator
    /// commands such as a rebuild, never for a request). The document is null when it is only in <c>content</c>.
    /// </summary>
    public async IAsyncEnumerable<(ArticleEntity Article, ArticleDocument? Document)> PublishedAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {ArticleEntity.Row} and State eq {ArticleStates.Published}");
        await foreach (var row in _table.QueryAsync<ArticleEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
        {
            yield return (row, row.Document is { } packed ? Unpack(packed) : null);
        }
    }

    /// <summary>The current-state row of an article as <see cref="SaveAsync"/> stores it.</summary>
    public static ArticleEntity EntityFor(ArticleDocument document, string state) =>
        EntityFor(document, state, state == ArticleStates.Published ? Pack(document) : null);

    private static ArticleEntity EntityFor(ArticleDocument document, string state, byte[]? packed)
    {
        var a = document.Article;
        return new ArticleEntity
        {
            PartitionKey = a.Id,
            Revision = a.Revision,
            State = state,
            Path = document.Path,
            Headline = a.Headline,
            Section = a.Section,
            Summary = a.Summary,
            Authors = JsonSerializer.Serialize(a.Authors, CoreJsonContext.Default.IReadOnlyListString),
            Tags = JsonSerializer.Serialize(a.Tags, CoreJsonContext.Default.IReadOnlyListString),
            PublishedAt = a.PublishedAt,
            UpdatedAt = a.UpdatedAt,
            EmbargoedUntil = a.EmbargoedUntil,
            Document = packed,
        };
    }

    /// <summary>Table properties hold at most 64 KiB; a document that does not fit stays only in <c>content</c>.</summary>
    private const int MaxPackedBytes = 60 * 1024;

    private static byte[]? Pack(ArticleDocument document)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, document, CoreJsonContext.Default.ArticleDocument);
        }
        return buffer.Length <= MaxPackedBytes ? buffer.ToArray() : null;
    }

    private static ArticleDocument? Unpack(byte[] packed)
    {
        using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        return JsonSerializer.Deserialize(gzip, CoreJsonContext.Default.ArticleDocument);
    }

    public async Task<string?> FindByPathAsync(string path, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<PathEntity>(PathEntity.KeyFor(path), PathEntity.Row, cancellationToken: ct);
        return response.HasValue ? response.Value!.ArticleId : null;
    }

    /// <summary>Every revision row of one article: a single-partition query, newest first.</summary>
    public async Task<List<RevisionEntity>> GetRevisionsAsync(string id, CancellationToken ct)
    {
        var rows = new List<RevisionEntity>();
        var filter = TableClient.CreateQueryFilter<RevisionEntity>(r =>
            r.PartitionKey == id && r.RowKey.CompareTo(RevisionEntity.RowPrefix) >= 0 && r.RowKey.CompareTo("rev.") < 0);
        await foreach (var row in _table.QueryAsync<RevisionEntity>(filter, cancellationToken: ct))
        {
            rows.Add(row);
        }
        rows.Reverse();
        return rows;
    }

    /// <summary>Records an accepted revision once; a re-delivery of the same revision keeps the first record.</summary>
    public async Task RecordAcceptedAsync(ArticleSubmission submission, string submissionBlob, string source, CancellationToken ct)
    {
        var entity = new RevisionEntity
        {
            PartitionKey = submission.Id,
            RowKey = RevisionEntity.RowKeyFor(submission.Revision),
            Revision = submission.Revision,
            State = ArticleStates.Accepted,
            Source = source,
            Submission = submissionBlob,
            ReceivedAt = time.GetUtcNow(),
        };
        try
        {
            await _table.AddEntityAsync(entity, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }

    public async Task SetRevisionStateAsync(string id, long revision, string state, string? reason, CancellationToken ct)
    {
        var entity = new TableEntity(id, RevisionEntity.RowKeyFor(revision))
        {
            [nameof(RevisionEntity.Revision)] = revision,
            [nameof(RevisionEntity.State)] = state,
            [nameof(RevisionEntity.Reason)] = reason,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct);
    }

    /// <summary>
    /// Writes the lookup from the document's path to the article when the row read before has another
    /// path (a first publication). Must come before <see cref="SaveAsync"/>, which then skips it.
    /// </summary>
    /// <returns>False when nothing was read before, so that <see cref="SaveAsync"/> decides.</returns>
    public async Task<bool> RecordPathAsync(ArticleDocument document, CurrentRow? readBefore, CancellationToken ct)
    {
        if (readBefore is null)
        {
            return false;
        }
        if (document.Path.Length > 0 && readBefore.Entity?.Path != document.Path)
        {
            await WritePathAsync(document, ct);
        }
        return true;
    }

    private Task<Azure.Response> WritePathAsync(ArticleDocument document, CancellationToken ct) =>
        _table.UpsertEntityAsync(new PathEntity { PartitionKey = PathEntity.KeyFor(document.Path), ArticleId = document.Article.Id }, TableUpdateMode.Replace, ct);

    /// <summary>
    /// Stores the article's current state unless a newer revision is already recorded, and marks the revision
    /// with the same state, in one transaction of the article's partition. Optimistic concurrency: on an ETag
    /// conflict it reads again and re-decides.
    /// </summary>
    /// <param name="readBefore">The current row as the caller read it, if it did: saves reading it again.</param>
    /// <param name="pathRecorded">The caller wrote the path lookup row (<see cref="RecordPathAsync"/>).</param>
    /// <returns>False when a newer revision won.</returns>
    public async Task<bool> SaveAsync(ArticleDocument document, string state, CancellationToken ct, CurrentRow? readBefore = null, bool pathRecorded = false)
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
            var entity = EntityFor(document, state, packed);
            var revisionRow = new TableEntity(a.Id, RevisionEntity.RowKeyFor(a.Revision))
            {
                [nameof(RevisionEntity.Revision)] = a.Revision,
                [nameof(RevisionEntity.State)] = state,
                [nameof(RevisionEntity.Reason)] = null,
            };
            try
            {
                if (!pathRecorded && document.Path.Length > 0 && current?.Path != document.Path)
                {
                    // The path row first: if the process dies between the two writes, a retry writes both again.
                    await WritePathAsync(document, ct);
                }
                await _table.SubmitTransactionAsync(
                [
                    current is null
                        ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag),
                    new TableTransactionAction(TableTransactionActionType.UpsertMerge, revisionRow),
                ], ct);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another revision was stored in between: decide again against it.
            }
        }
    }
}

/// <summary>An article's current row as read earlier (null when there was none).</summary>
public sealed record CurrentRow(ArticleEntity? Entity);
