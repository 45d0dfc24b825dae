using System.Globalization;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// One article in one listing of the listings table: PartitionKey = listing key ("all", "section|world",
/// "tag|transport", "author|ana-ruiz"), RowKey = inverted publish time + "|" + id, so a partition reads
/// newest first. It carries everything listing pages, feeds and sitemaps show, so none of them reads a blob.
/// A listing's head keeps its newest rows as JSON (the listing key, which every row of it shares, left out).
/// </summary>
public sealed class ListingEntity : ArticleSummary, ITableEntity
{
    [JsonIgnore]
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    [JsonIgnore]
    public DateTimeOffset? Timestamp { get; set; }

    [JsonIgnore]
    public ETag ETag { get; set; }

    public string ArticleId { get; set; } = "";

    /// <summary>The listing's display name as this article spells it ("Transport" for "tag|transport").</summary>
    public string ListingName { get; set; } = "";

    public static string RowKeyFor(DateTimeOffset publishedAt, string articleId) =>
        InvertedTicks(publishedAt) + "|" + articleId;

    /// <summary>Newest first: a later time gives a smaller key. D19 keeps the lexical order numeric.</summary>
    public static string InvertedTicks(DateTimeOffset time) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static DateTimeOffset PublishedAtOf(string rowKey) =>
        new(DateTimeOffset.MaxValue.UtcTicks - long.Parse(rowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);
}

/// <summary>
/// Which listing rows an article occupies (PartitionKey = RowKey = "of|" + id: unique, see <see cref="ArticleEntity"/>):
/// what a later revision or a kill must remove.
/// </summary>
public sealed class ListingMembershipEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Revision { get; set; }

    /// <summary>JSON list of "PartitionKey\nRowKey".</summary>
    public string Rows { get; set; } = "[]";

    public static string KeyFor(string articleId) => "of|" + articleId;
}

/// <summary>
/// The newest rows of one listing in a single row of the listingheads table (PartitionKey = "heads", RowKey =
/// listing key), so that an article page reads its navigation and related articles in one small request
/// instead of queries. Rewritten from the listing's partition after every change to it; the partition stays the record.
/// </summary>
public sealed class ListingHeadEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>JSON: <see cref="ListingEntity"/> rows newest first, or <see cref="SectionName"/>s for the sections head.</summary>
    public string Rows { get; set; } = "[]";
}

/// <summary>A known section: its slug (the first segment of its pages' paths) and its name as published.</summary>
public sealed record SectionName(string Slug, string Name);
