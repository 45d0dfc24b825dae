using Azure;
using Azure.Data.Tables;
using ServerlessNews.Storage;

namespace ServerlessNews.Comments;

/// <summary>
/// The <c>comments</c> and <c>commenters</c> tables. Intake writes one row, the new comment's row in the pending
/// index, so that moderators list it and export and erasure find it (by its keyed email hash in that small
/// partition) from the moment it is accepted; the moderator records it (its row of record, in the article's
/// partition) and registers it under its commenter before deciding. Until then <see cref="GetAsync"/> finds the
/// pending row. Later changes write the row of record first; the index and commenter rows are repaired by the next
/// step that touches the comment, so a crash between two writes leaves nothing that a retry does not finish.
/// </summary>
public sealed class CommentStore(TableServiceClient tables)
{
    private readonly TableClient _comments = tables.GetTableClient(StorageNames.CommentsTable);
    private readonly TableClient _commenters = tables.GetTableClient(StorageNames.CommentersTable);

    /// <summary>
    /// The comment's row of record, or, for a comment accepted but not yet recorded by the moderator, its pending index
    /// row (<see cref="CommentEntity.Recorded"/> false: read it, but <see cref="RecordAsync"/> it before changing it).
    /// </summary>
    public async Task<CommentEntity?> GetAsync(string articleId, string commentId, CancellationToken ct)
    {
        var response = await _comments.GetEntityIfExistsAsync<CommentEntity>(articleId, commentId, cancellationToken: ct);
        if (response.HasValue)
        {
            return response.Value;
        }
        var accepted = await _comments.GetEntityIfExistsAsync<CommentEntity>(
            CommentEntity.StatusPartition(CommentStatus.Pending), CommentEntity.StatusRowKey(articleId, commentId), cancellationToken: ct);
        return accepted.HasValue ? accepted.Value!.AcceptedCopy() : null;
    }

    /// <summary>Writes the row of record of a comment intake stored only in the pending index (idempotent).</summary>
    public async Task RecordAsync(CommentEntity accepted, CancellationToken ct)
    {
        try
        {
            await _comments.AddEntityAsync(accepted.CopyFor(accepted.ArticleId, accepted.CommentId), ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Recorded already (a concurrent delivery, or a moderator's decision).
        }
    }

    /// <summary>Stores a new comment: its pending index row, the one write of the request path.</summary>
    public async Task AddAsync(CommentEntity comment, CancellationToken ct) => await _comments.AddEntityAsync(comment.IndexRow(), ct);

    /// <summary>Deletes a new comment whose moderate message could not be sent (only its pending row exists).</summary>
    public async Task DeleteNewAsync(CommentEntity comment, CancellationToken ct) =>
        await _comments.DeleteEntityAsync(CommentEntity.StatusPartition(CommentStatus.Pending), CommentEntity.StatusRowKey(comment.ArticleId, comment.CommentId), cancellationToken: ct);

    /// <summary>
    /// Writes a new comment's status index row and commenter row, so that moderators list it and export and erasure
    /// find it (idempotent). The moderator does this before deciding, so a comment whose moderation keeps failing
    /// is still listed as pending.
    /// </summary>
    public Task RegisterAsync(CommentEntity comment, CancellationToken ct) =>
        Task.WhenAll(_comments.UpsertEntityAsync(comment.IndexRow(), TableUpdateMode.Replace, ct), UpsertCommenterRefAsync(comment, ct));

    /// <summary>An article's comments with one status, oldest first: one partition query.</summary>
    public async Task<List<CommentEntity>> ListForArticleAsync(string articleId, string status, CancellationToken ct)
    {
        var rows = new List<CommentEntity>();
        var filter = TableClient.CreateQueryFilter<CommentEntity>(c => c.PartitionKey == articleId && c.Status == status);
        await foreach (var row in _comments.QueryAsync<CommentEntity>(filter, cancellationToken: ct))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// The articles that have comments with <paramref name="status"/>, from the status index (row keys end in
    /// the article id). The index can trail the rows of record after a crash, so use it to skip reads, and
    /// read the article's own partition for what to show.
    /// </summary>
    public async Task<HashSet<string>> ArticlesWithStatusAsync(string status, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CommentEntity.StatusPartition(status)}");
        await foreach (var row in _comments.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: ct))
        {
            ids.Add(row.RowKey[(row.RowKey.IndexOf('|', StringComparison.Ordinal) + 1)..]);
        }
        return ids;
    }

    /// <summary>
    /// The comments whose moderation may be unfinished: every pending one (intake indexes it as pending at once), and
    /// those decided since <paramref name="since"/> whose decision had yet to reach their page when indexed. A
    /// decision older than that is one whose moderate message no host can still hold.
    /// </summary>
    public async Task<List<ModerateMessage>> UnfinishedAsync(DateTimeOffset since, CancellationToken ct)
    {
        var found = new List<ModerateMessage>();
        foreach (var status in CommentStatus.All)
        {
            var partition = CommentEntity.StatusPartition(status);
            var filter = status == CommentStatus.Pending
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Timestamp ge {since} and PageCurrent eq {false}");
            await foreach (var row in _comments.QueryAsync<CommentEntity>(filter, select: [nameof(CommentEntity.ArticleId), nameof(CommentEntity.CommentId)], cancellationToken: ct))
            {
                found.Add(new ModerateMessage(row.ArticleId, row.CommentId));
            }
        }
        return found;
    }

    /// <summary>An earlier comment on the same article with the same content hash, if any.</summary>
    public async Task<CommentEntity?> FindEarlierDuplicateAsync(CommentEntity comment, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter<CommentEntity>(c =>
            c.PartitionKey == comment.ArticleId && c.ContentHash == comment.ContentHash && c.RowKey.CompareTo(comment.CommentId) < 0);
        await foreach (var row in _comments.QueryAsync<CommentEntity>(filter, maxPerPage: 1, cancellationToken: ct))
        {
            return row;
        }
        return null;
    }

    /// <summary>One page of a status partition, oldest first.</summary>
    public async Task<(IReadOnlyList<CommentEntity> Items, string? Continuation)> ListByStatusAsync(
        string status, string? continuation, int pageSize, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter<CommentEntity>(c => c.PartitionKey == CommentEntity.StatusPartition(status));
        await foreach (var page in _comments.QueryAsync<CommentEntity>(filter, maxPerPage: pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values, page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>
    /// Changes the row of record only if nobody changed it since it was read (ETag), then moves the status
    /// index row and updates the commenter row.
    /// </summary>
    /// <returns>False when the comment changed meanwhile; the caller reads it again.</returns>
    public async Task<bool> TryUpdateAsync(CommentEntity comment, string previousStatus, CancellationToken ct)
    {
        try
        {
            var response = await _comments.UpdateEntityAsync(comment, comment.ETag, TableUpdateMode.Replace, ct);
            comment.ETag = response.Headers.ETag ?? comment.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
        await SyncIndexAsync(comment, previousStatus, ct);
        return true;
    }

    /// <summary>
    /// Makes the status index and commenter row agree with the row of record (idempotent). Two decisions made close
    /// together (the pipeline's and a moderator's) sync side by side, and the older one's writes can land last; so
    /// each sync reads the row of record again after writing, and syncs again from it if it changed meanwhile.
    /// </summary>
    public async Task SyncIndexAsync(CommentEntity comment, string? previousStatus, CancellationToken ct)
    {
        while (true)
        {
            await _comments.UpsertEntityAsync(comment.IndexRow(), TableUpdateMode.Replace, ct);
            foreach (var status in CommentStatus.All.Where(s => s != comment.Status && (previousStatus is null || s == previousStatus)))
            {
                await _comments.DeleteEntityAsync(CommentEntity.StatusPartition(status), CommentEntity.StatusRowKey(comment.ArticleId, comment.CommentId), cancellationToken: ct);
            }
            await UpsertCommenterRefAsync(comment, ct);

            var current = await _comments.GetEntityIfExistsAsync<CommentEntity>(comment.ArticleId, comment.CommentId, cancellationToken: ct);
            if (!current.HasValue)
            {
                // Erased meanwhile: take back what this sync wrote after the erasure's deletes.
                await DeleteAsync(comment, ct);
                return;
            }
            if (current.Value!.ETag == comment.ETag)
            {
                return;
            }
            comment = current.Value;
            previousStatus = null;
        }
    }

    /// <summary>Marks the comment's page as re-rendered, unless the comment changed again meanwhile.</summary>
    public async Task MarkPageCurrentAsync(CommentEntity comment, CancellationToken ct)
    {
        try
        {
            var patch = new TableEntity(comment.PartitionKey, comment.RowKey) { [nameof(CommentEntity.PageCurrent)] = true };
            var response = await _comments.UpdateEntityAsync(patch, comment.ETag, TableUpdateMode.Merge, ct);
            comment.ETag = response.Headers.ETag ?? comment.ETag;
            comment.PageCurrent = true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // A later change re-renders the page itself.
        }
    }

    private async Task UpsertCommenterRefAsync(CommentEntity comment, CancellationToken ct) =>
        await _commenters.UpsertEntityAsync(new CommenterRef
        {
            PartitionKey = comment.EmailHash,
            RowKey = CommenterRef.RowKeyFor(comment.ArticleId, comment.CommentId),
            ArticleId = comment.ArticleId,
            CommentId = comment.CommentId,
            Status = comment.Status,
            AuthorName = comment.AuthorName,
        }, TableUpdateMode.Replace, ct);

    /// <summary>
    /// A row in the article's partition whose stamp changes with every change to what its page shows.
    /// The "~" sorts after every comment id and the row has no status, so comment queries never see it.
    /// </summary>
    public const string PageStampRow = "~page";

    public async Task<string?> GetPageStampAsync(string articleId, CancellationToken ct)
    {
        var row = await _comments.GetEntityIfExistsAsync<TableEntity>(articleId, PageStampRow, ["Stamp"], ct);
        return row.HasValue ? row.Value!.GetString("Stamp") : null;
    }

    public async Task ChangePageStampAsync(string articleId, CancellationToken ct) =>
        await _comments.UpsertEntityAsync(new TableEntity(articleId, PageStampRow) { ["Stamp"] = Guid.NewGuid().ToString("N") }, TableUpdateMode.Replace, ct);

    /// <summary>
    /// The <paramref name="needed"/>th approved comment of this email under this name (in any case), or null when it
    /// has fewer: a query within the commenter's own partition. A ref written before refs carried the name is
    /// matched through its comment's row.
    /// </summary>
    public async Task<CommenterRef?> FindApprovedAsync(string emailHash, string authorName, int needed, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter<CommenterRef>(r =>
            r.PartitionKey == emailHash && r.RowKey.CompareTo(CommenterRef.RowPrefix) >= 0 && r.RowKey.CompareTo("c}") < 0 &&
            r.Status == CommentStatus.Approved);
        var found = 0;
        await foreach (var row in _commenters.QueryAsync<CommenterRef>(filter, cancellationToken: ct))
        {
            var name = row.AuthorName ?? (await GetAsync(row.ArticleId, row.CommentId, ct))?.AuthorName;
            if (string.Equals(name?.Trim(), authorName.Trim(), StringComparison.OrdinalIgnoreCase) && ++found >= needed)
            {
                return row;
            }
        }
        return null;
    }

    /// <summary>
    /// Every comment of one commenter: through their partition of <c>commenters</c>, and the pending index for those
    /// accepted but not yet registered there (still in the moderate queue).
    /// </summary>
    public async Task<List<CommentEntity>> ListByCommenterAsync(string emailHash, CancellationToken ct)
    {
        var ids = new HashSet<(string ArticleId, string CommentId)>();
        var refs = TableClient.CreateQueryFilter<CommenterRef>(r =>
            r.PartitionKey == emailHash && r.RowKey.CompareTo(CommenterRef.RowPrefix) >= 0 && r.RowKey.CompareTo("c}") < 0);
        await foreach (var row in _commenters.QueryAsync<CommenterRef>(refs, select: [nameof(CommenterRef.ArticleId), nameof(CommenterRef.CommentId)], cancellationToken: ct))
        {
            ids.Add((row.ArticleId, row.CommentId));
        }
        var pending = TableClient.CreateQueryFilter<CommentEntity>(c =>
            c.PartitionKey == CommentEntity.StatusPartition(CommentStatus.Pending) && c.EmailHash == emailHash);
        await foreach (var row in _comments.QueryAsync<CommentEntity>(pending, select: [nameof(CommentEntity.ArticleId), nameof(CommentEntity.CommentId)], cancellationToken: ct))
        {
            ids.Add((row.ArticleId, row.CommentId));
        }
        var comments = new List<CommentEntity>();
        foreach (var (articleId, commentId) in ids.OrderBy(i => i.CommentId, StringComparer.Ordinal))
        {
            if (await GetAsync(articleId, commentId, ct) is { } comment)
            {
                comments.Add(comment);
            }
        }
        return comments;
    }

    /// <summary>How many comments have <paramref name="status"/>, counted up to <paramref name="limit"/>: one query of the status index.</summary>
    public async Task<int> CountWithStatusAsync(string status, int limit, CancellationToken ct)
    {
        var count = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CommentEntity.StatusPartition(status)}");
        await foreach (var _ in _comments.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: ct))
        {
            if (++count >= limit)
            {
                break;
            }
        }
        return count;
    }

    /// <summary>How many comments one commenter has, by status: one query of their partition of <c>commenters</c>.</summary>
    public async Task<Dictionary<string, int>> CountByCommenterAsync(string emailHash, CancellationToken ct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter<CommenterRef>(r =>
            r.PartitionKey == emailHash && r.RowKey.CompareTo(CommenterRef.RowPrefix) >= 0 && r.RowKey.CompareTo("c}") < 0);
        await foreach (var row in _commenters.QueryAsync<CommenterRef>(filter, select: [nameof(CommenterRef.Status)], cancellationToken: ct))
        {
            counts[row.Status] = counts.GetValueOrDefault(row.Status) + 1;
        }
        return counts;
    }

    /// <summary>Deletes one comment everywhere: the row of record first, then its index and commenter rows.</summary>
    public async Task DeleteAsync(CommentEntity comment, CancellationToken ct)
    {
        await _comments.DeleteEntityAsync(comment.ArticleId, comment.CommentId, cancellationToken: ct);
        foreach (var status in CommentStatus.All)
        {
            await _comments.DeleteEntityAsync(CommentEntity.StatusPartition(status), CommentEntity.StatusRowKey(comment.ArticleId, comment.CommentId), cancellationToken: ct);
        }
        await _commenters.DeleteEntityAsync(comment.EmailHash, CommenterRef.RowKeyFor(comment.ArticleId, comment.CommentId), cancellationToken: ct);
    }

    /// <summary>
    /// Records when a commenter was erased, in partition "erased|" + keyed email hash (not the commenter's own, which
    /// erasure empties): a comment posted before then that was still in the moderate queue, so not yet registered
    /// under the commenter, is erased when the moderator reaches it. While an erasure is under way the row also
    /// holds the articles whose pages must lose the commenter's comments, so that a retry after a failure finishes
    /// them even though the comments' rows are gone by then; once done it holds only the time.
    /// </summary>
    /// <returns>The articles an earlier, unfinished erasure left to re-render.</returns>
    public async Task<IReadOnlyList<string>> BeginErasureAsync(string emailHash, DateTimeOffset at, CancellationToken ct)
    {
        var row = await _commenters.GetEntityIfExistsAsync<TableEntity>(ErasedPartition(emailHash), ErasedRow, [ErasurePages], ct);
        await _commenters.UpsertEntityAsync(new TableEntity(ErasedPartition(emailHash), ErasedRow) { ["ErasedAt"] = at }, TableUpdateMode.Merge, ct);
        return row.HasValue && row.Value!.GetString(ErasurePages) is { Length: > 0 } pages ? pages.Split(' ') : [];
    }

    /// <summary>Records the articles this erasure must re-render, before any comment is deleted.</summary>
    public async Task RecordErasurePagesAsync(string emailHash, IEnumerable<string> articleIds, CancellationToken ct) =>
        await _commenters.UpsertEntityAsync(new TableEntity(ErasedPartition(emailHash), ErasedRow) { [ErasurePages] = string.Join(' ', articleIds) },
            TableUpdateMode.Merge, ct);

    /// <summary>Marks the erasure done: the row keeps only its time.</summary>
    public async Task CompleteErasureAsync(string emailHash, DateTimeOffset at, CancellationToken ct) =>
        await _commenters.UpsertEntityAsync(new TableEntity(ErasedPartition(emailHash), ErasedRow) { ["ErasedAt"] = at }, TableUpdateMode.Replace, ct);

    private const string ErasurePages = "Pages";

    public async Task<DateTimeOffset?> GetErasedAtAsync(string emailHash, CancellationToken ct)
    {
        var row = await _commenters.GetEntityIfExistsAsync<TableEntity>(ErasedPartition(emailHash), ErasedRow, ["ErasedAt"], ct);
        return row.HasValue ? row.Value!.GetDateTimeOffset("ErasedAt") : null;
    }

    public const string ErasedRow = "erased";

    public static string ErasedPartition(string emailHash) => "erased|" + emailHash;

    /// <summary>Deletes every remaining row of a commenter's partition (refs and the flood row).</summary>
    public async Task DeleteCommenterAsync(string emailHash, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter<TableEntity>(r => r.PartitionKey == emailHash);
        await foreach (var row in _commenters.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            await _commenters.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: ct);
        }
    }
}
