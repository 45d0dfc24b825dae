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
        var response = await _table.GetEntityIfExistsAsync<ArticleEntity>(id, ArticleEntity.Row, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
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
    /// Stores the article's current state unless a newer revision is already recorded. Optimistic
    /// concurrency: on an ETag conflict it reads again and re-decides.
    /// </summary>
    /// <returns>False when a newer revision won.</returns>
    public async Task<bool> SaveAsync(ArticleDocument document, string state, CancellationToken ct)
    {
        var a = document.Article;
        while (true)
        {
            var current = await GetAsync(a.Id, ct);
            if (current is not null && current.Revision > a.Revision)
            {
                return false;
            }
            var entity = new ArticleEntity
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
            };
            try
            {
                if (document.Path.Length > 0 && current?.Path != document.Path)
                {
                    // The path row first: if the process dies between the two writes, a retry writes both again.
                    await _table.UpsertEntityAsync(new PathEntity { PartitionKey = PathEntity.KeyFor(document.Path), ArticleId = a.Id }, TableUpdateMode.Replace, ct);
                }
                if (current is null)
                {
                    await _table.AddEntityAsync(entity, ct);
                }
                else
                {
                    await _table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, ct);
                }
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another revision was stored in between: decide again against it.
            }
        }
    }
}
