using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// Small site-wide facts in the <c>site</c> partition of the listings table, each a row changed only conditionally on
/// the one read: the last clock period the site's outputs were brought up to (<see cref="ClockKey"/>), the theme they
/// were rendered with (<see cref="ThemeKey"/>) and the generation of the site-wide sweep under way (<see cref="SweepKey"/>).
/// </summary>
public sealed class SiteState(TableServiceClient tables) : ListingsTableRows(tables)
{
    public const string Partition = "site";
    public const string ClockKey = "clock";
    public const string ThemeKey = "theme";
    public const string SweepKey = "sweep";
    private const string ValueColumn = "Value";

    /// <summary>A fact as stored: its value (null: never stored) and the ETag to change it with.</summary>
    public sealed record Fact(string? Value, ETag ETag);

    public async Task<Fact> ReadAsync(string key, CancellationToken ct)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: ct);
        return row.HasValue ? new(row.Value!.GetString(ValueColumn), row.Value.ETag) : new(null, default);
    }

    /// <summary>Changes a fact, unless it changed since <paramref name="read"/>.</summary>
    /// <returns>False when it did: another instance got there first.</returns>
    public async Task<bool> TryWriteAsync(string key, string value, Fact read, CancellationToken ct)
    {
        var row = new TableEntity(Partition, key) { [ValueColumn] = value };
        try
        {
            if (read.Value is null)
            {
                await Table.AddEntityAsync(row, ct);
            }
            else
            {
                await Table.UpdateEntityAsync(row, read.ETag, TableUpdateMode.Replace, ct);
            }
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
