using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Storage;

namespace ServerlessNews.Moderation;

/// <summary>
/// The flood window across instances, as a step of the moderation pipeline: a row per keyed hash of address and
/// of email in <c>commenters</c> (RowKey "flood") holds the last comment the pipeline let through, and is claimed
/// with its ETag, so two moderations at once cannot both pass. Each instance refuses a flood on the request path
/// itself (<see cref="FloodGate"/>, 429); this catches what reached two instances, or one before and after a restart.
/// Rows of addresses are in partition <see cref="IpPartition"/>, those of emails in the commenter's own.
/// </summary>
public sealed class FloodRecord(TableServiceClient tables, IOptions<CommentOptions> options)
{
    public const string FloodRow = "flood";

    public static string IpPartition(string ipHash) => "ip|" + ipHash;

    private readonly TableClient _commenters = tables.GetTableClient(StorageNames.CommentersTable);

    /// <returns>
    /// Why the comment is a flood (another comment from the same address or email within the window), or null
    /// once the window is claimed for it. Claiming again for the same comment (a re-delivery) finds it its own.
    /// </returns>
    public async Task<string?> CheckAndClaimAsync(CommentEntity comment, CancellationToken ct)
    {
        var window = options.Value.FloodWindow;
        if (window <= TimeSpan.Zero)
        {
            return null;
        }
        (string Partition, string What)[] keys = [(IpPartition(comment.IpHash), "address"), (comment.EmailHash, "email address")];
        while (true)
        {
            var rows = await Task.WhenAll(keys.Select(k => _commenters.GetEntityIfExistsAsync<TableEntity>(k.Partition, FloodRow, cancellationToken: ct)));
            for (var i = 0; i < keys.Length; i++)
            {
                if (rows[i].HasValue && rows[i].Value!.GetString("CommentId") is var other && other != comment.CommentId &&
                    rows[i].Value!.GetDateTimeOffset("LastCommentAt") is { } last && (comment.CreatedAt - last).Duration() < window)
                {
                    var seconds = Math.Abs((comment.CreatedAt - last).TotalSeconds);
                    var when = last <= comment.CreatedAt ? "earlier" : "later";
                    var article = rows[i].Value!.GetString("ArticleId") ?? "(unknown)";
                    return string.Create(CultureInfo.InvariantCulture,
                        $"Comment {other ?? "(unknown)"} on {article} came from the same {keys[i].What} {seconds:0.#} s {when}; one comment per {window.TotalSeconds:0.#} s is accepted (the two reached different instances, or one restarted).");
                }
            }
            try
            {
                for (var i = 0; i < keys.Length; i++)
                {
                    await ClaimAsync(keys[i].Partition, rows[i], comment, ct);
                }
                return null;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another moderation claimed a row between the read and the write: read again.
            }
        }
    }

    /// <summary>Deletes the address's flood row if it names this comment (erasure): nothing else links the address to it.</summary>
    public async Task ForgetAsync(CommentEntity comment, CancellationToken ct)
    {
        var row = await _commenters.GetEntityIfExistsAsync<TableEntity>(IpPartition(comment.IpHash), FloodRow, cancellationToken: ct);
        if (row.HasValue && row.Value!.GetString("CommentId") == comment.CommentId)
        {
            try
            {
                await _commenters.DeleteEntityAsync(row.Value, row.Value.ETag, ct);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Gone already, or claimed since by a later comment, which it now names instead.
            }
        }
    }

    private async Task ClaimAsync(string partition, NullableResponse<TableEntity> existing, CommentEntity comment, CancellationToken ct)
    {
        var row = new TableEntity(partition, FloodRow)
        {
            ["LastCommentAt"] = comment.CreatedAt,
            ["CommentId"] = comment.CommentId,
            ["ArticleId"] = comment.ArticleId,
        };
        if (!existing.HasValue)
        {
            await _commenters.AddEntityAsync(row, ct);
        }
        else if (existing.Value!.GetString("CommentId") != comment.CommentId &&
            (existing.Value.GetDateTimeOffset("LastCommentAt") ?? DateTimeOffset.MinValue) < comment.CreatedAt)
        {
            // Never moved back in time: a later comment moderated first keeps the row.
            await _commenters.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, ct);
        }
    }
}
