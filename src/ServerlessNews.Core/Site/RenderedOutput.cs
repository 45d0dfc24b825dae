using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// What rendering one output produced: its files, and the names it owns, so that a file it no longer produces (a
/// listing that lost its last article, an archive month that shrank) is removed rather than left behind.
/// </summary>
public sealed class RenderedOutput
{
    public List<SiteFile> Files { get; } = [];

    /// <summary>Names this output writes when it has content: removed when a render does not produce them.</summary>
    public List<string> Owned { get; } = [];

    /// <summary>
    /// A numbered run of names (archive pages, sitemap shards): the first <see cref="NumberedCount"/> are produced, the
    /// names after them are removed up to the first that does not exist.
    /// </summary>
    public Func<int, string>? Numbered { get; init; }

    public int NumberedCount { get; set; }

    /// <summary>
    /// A blob-name prefix whose files mostly stay as they are from one render to the next (a month archive's numbered
    /// pages): the refresh lists them once and writes only those that differ, so a publish's writes do not grow with
    /// the month.
    /// </summary>
    public string? Stable { get; init; }

    /// <summary>Listing rows the output shows (a month: all of its rows); 0 when it has none and so no file.</summary>
    public int Rows { get; set; }

    /// <summary>The newest change among the rows shown (what a sitemap index says of a month).</summary>
    public DateTimeOffset? LastModified { get; set; }

    /// <summary>Every name this output may have written: its files, what it owns, its numbered run so far.</summary>
    public IEnumerable<string> Names => Files.Select(f => f.Name).Concat(Owned);
}

/// <summary>What a render reads: the listings (from the tables or a snapshot) and the clock period it renders for.</summary>
public sealed record SiteRenderContext(Index.IListingReader Listings, DateTimeOffset AsOf);
