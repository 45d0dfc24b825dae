using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// One article in one listing of the listings table: PartitionKey = listing key ("all", "section|world",
/// "tag|transport", "author|ana-ruiz"), RowKey = inverted publish time + "|" + id, so a partition reads
/// newest first. It carries everything listing pages, feeds and sitemaps show, so none of them reads a blob.
/// </summary>
public sealed class ListingEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ArticleId { get; set; } = "";
    public long Revision { get; set; }
    public string Headline { get; set; } = "";
    public string? Summary { get; set; }
    public string Path { get; set; } = "";
    public string Section { get; set; } = "";
    public string Authors { get; set; } = "[]";
    public string Tags { get; set; } = "[]";
    public DateTimeOffset PublishedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>The listing's display name as this article spells it ("Transport" for "tag|transport").</summary>
    public string ListingName { get; set; } = "";

    public DateTimeOffset ModifiedAt => UpdatedAt ?? PublishedAt;

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
/// instead of queries. Rewritten from the listing's
/// partition after every change to it; the partition stays the record.
/// </summary>
public sealed class ListingHeadEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>JSON: <see cref="HeadRow"/> newest first, or <see cref="SectionName"/> for the sections head.</summary>
    public string Rows { get; set; } = "[]";
}

/// <summary>A listing row as its listing's head keeps it.</summary>
public sealed record HeadRow(
    string RowKey, string ArticleId, long Revision, string Headline, string? Summary, string Path, string Section,
    string Authors, string Tags, DateTimeOffset PublishedAt, DateTimeOffset? UpdatedAt, string ListingName)
{
    public static HeadRow From(ListingEntity row) => new(row.RowKey, row.ArticleId, row.Revision, row.Headline, row.Summary, row.Path,
        row.Section, row.Authors, row.Tags, row.PublishedAt, row.UpdatedAt, row.ListingName);

    public ListingEntity ToEntity(string listingKey) => new()
    {
        PartitionKey = listingKey,
        RowKey = RowKey,
        ArticleId = ArticleId,
        Revision = Revision,
        Headline = Headline,
        Summary = Summary,
        Path = Path,
        Section = Section,
        Authors = Authors,
        Tags = Tags,
        PublishedAt = PublishedAt,
        UpdatedAt = UpdatedAt,
        ListingName = ListingName,
    };
}

public sealed record SectionName(string Slug, string Name);

/// <summary>A listing as readers see it: its key in the table, its name and its public folder.</summary>
public sealed record ListingRef(string Kind, string Slug, string Name)
{
    public const string All = "all";
    public const string SectionKind = "section";
    public const string TagKind = "tag";
    public const string AuthorKind = "author";

    public static readonly ListingRef Home = new(All, "", "");

    public string Key => Kind == All ? All : Kind + "|" + Slug;

    /// <summary>The front page: "/", "/world/", "/tag/transport/", "/author/ana-ruiz/".</summary>
    public string BasePath => Kind switch
    {
        All => "/",
        SectionKind => "/" + Slug + "/",
        _ => "/" + Kind + "/" + Slug + "/",
    };

    /// <summary>Month archives live under the front page, except the whole site's, which would clash with section folders.</summary>
    public string ArchivePath(string month) =>
        (Kind == All ? "/archive/" : BasePath) + month.Replace('-', '/') + "/";

    /// <summary>Only the site and its sections have feeds.</summary>
    public bool HasFeed => Kind is All or SectionKind;

    public static ListingRef Section(string name) => new(SectionKind, Articles.Slug.ForSection(name), name);
    public static ListingRef Tag(string name) => new(TagKind, Articles.Slug.From(name), name);
    public static ListingRef Author(string name) => new(AuthorKind, Articles.Slug.From(name), name);

    /// <summary>Parses a key back; the name is unknown until a row is read.</summary>
    public static ListingRef? Parse(string key)
    {
        if (key == All)
        {
            return Home;
        }
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || bar == key.Length - 1)
        {
            return null;
        }
        var kind = key[..bar];
        var slug = key[(bar + 1)..];
        return kind is SectionKind or TagKind or AuthorKind && IsSlug(slug) ? new ListingRef(kind, slug, slug) : null;
    }

    private static bool IsSlug(string text) => text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Every listing an article belongs to: the site, its section, each tag, each author.</summary>
    public static IReadOnlyList<ListingRef> For(string section, IEnumerable<string> tags, IEnumerable<string> authors)
    {
        var all = new List<ListingRef> { Home, Section(section) };
        all.AddRange(tags.Select(Tag));
        all.AddRange(authors.Select(Author));
        return all.DistinctBy(l => l.Key).ToList();
    }
}

public static class Months
{
    public static string Of(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool TryParse(string month, out DateTimeOffset start) =>
        DateTimeOffset.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out start);

    public static string Display(string month) =>
        TryParse(month, out var start) ? start.ToString("MMMM yyyy", CultureInfo.InvariantCulture) : month;
}
