namespace ServerlessNews.Index;

/// <summary>
/// What the site's listing outputs read of the index: a listing's newest rows and one month of it, the months it
/// has articles in, the sections, and what the sitemap index needs of each month. Two implementations read the
/// same state: <see cref="LiveListingReader"/> from the tables (a refresh), <see cref="ListingSnapshot"/> from memory
/// (a rebuild or a verify, which read every article once). Rendering either gives the same bytes for the same index.
/// </summary>
public interface IListingReader
{
    /// <summary>The newest rows of a listing, newest first; with <paramref name="notBefore"/>, only rows published since.</summary>
    Task<IReadOnlyList<ListingEntity>> NewestAsync(string listingKey, int count, CancellationToken ct, DateTimeOffset? notBefore = null);

    /// <summary>The rows of a listing published in [from, to), newest first.</summary>
    Task<IReadOnlyList<ListingEntity>> RangeAsync(string listingKey, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>The months a listing has articles in ("2026-11"), newest first.</summary>
    Task<IReadOnlyList<string>> MonthsAsync(string listingKey, CancellationToken ct);

    /// <summary>The sections that have articles, ordered by name.</summary>
    Task<IReadOnlyList<SectionName>> SectionsAsync(CancellationToken ct);

    /// <summary>Each month of the whole site with its sitemap shards and last modification, newest first.</summary>
    Task<IReadOnlyList<SitemapMonth>> SitemapMonthsAsync(CancellationToken ct);
}

/// <summary>One month of the sitemap index: how many shards it has and when its newest change was.</summary>
public sealed record SitemapMonth(string Month, int Shards, DateTimeOffset LastModified);
