using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessNews.Storage;

namespace ServerlessNews.Comments;

/// <summary>
/// One comment per window per IP and per email, across every instance: a row per keyed hash holds the
/// last comment time and is claimed with its ETag, so two simultaneous posts cannot both pass.
/// </summary>
public sealed class FloodGate(TableServiceClient tables, IOptions<CommentOptions> options, TimeProvider time)
{
    public const string FloodRow = "flood";

    private readonly TableClient _commenters = tables.GetTableClient(StorageNames.CommentersTable);

    public static string IpPartition(string ipHash) => "ip|" + ipHash;

    /// <returns>False when the key already commented within the window (or is claiming right now).</returns>
    public async Task<bool> TryClaimAsync(string partition, CancellationToken ct)
    {
        var window = options.Value.FloodWindow;
        if (window <= TimeSpan.Zero)
        {
            return true;
        }
        var now = time.GetUtcNow();
        var existing = await _commenters.GetEntityIfExistsAsync<TableEntity>(partition, FloodRow, cancellationToken: ct);
        var row = new TableEntity(partition, FloodRow) { ["LastCommentAt"] = now };
        try
        {
            if (!existing.HasValue)
            {
                await _commenters.AddEntityAsync(row, ct);
                return true;
            }
            if (existing.Value!.GetDateTimeOffset("LastCommentAt") is { } last && now - last < window)
            {
                return false;
            }
            await _commenters.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another post claimed it between the read and the write: that one is the flood.
            return false;
        }
    }
}
