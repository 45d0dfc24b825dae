namespace ServerlessNews.Index;

/// <summary>
/// Every listing of the site in memory, built from the articles table alone (each published article's row, as the
/// listing sync turns it into listing rows): what a rebuild and a verify render from. Reading the articles once and
/// deriving the listings is both faster than reading every listing row and a check of them: a listing row the sync
/// left wrong shows as a listing page that differs from this render.
/// </summary>
public sealed class ListingSnapshot : IListingReader
{
    private readonly Dictionary<string, ListingEntity[]> _listings;
    private readonly int _sitemapShardSize;

    /// <param name="articles">Article rows (summary columns, and for a build their documents), published and killed.</param>
    /// <param name="sitemapShardSize">URLs per sitemap shard, as the refresh writes them.</param>
    public ListingSnapshot(IEnumerable<ArticleEntity> articles, int sitemapShardSize)
    {
        _sitemapShardSize = sitemapShardSize;
        var all = articles.ToList();
        Published = all.Where(a => a.State == ArticleStates.Published).ToList();
        Killed = all.Where(a => a.State == ArticleStates.Killed && a.Path.Length > 0).ToList();
        _listings = Published.SelectMany(ListingIndex.RowsFor)
            .GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.RowKey, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    public static async Task<ListingSnapshot> LoadAsync(ArticleIndex index, int sitemapShardSize, CancellationToken ct, bool withDocuments = false)
    {
        var articles = new List<ArticleEntity>();
        await foreach (var article in index.OnSiteAsync(ct, withDocuments))
        {
            articles.Add(article);
        }
        return new ListingSnapshot(articles, sitemapShardSize);
    }

    /// <summary>Published articles (their rows' summary columns).</summary>
    public IReadOnlyList<ArticleEntity> Published { get; }

    /// <summary>Killed articles that were published at an address, which keeps a removal notice.</summary>
    public IReadOnlyList<ArticleEntity> Killed { get; }

    /// <summary>The keys of every listing that has articles.</summary>
    public IEnumerable<string> ListingKeys => _listings.Keys;

    /// <summary>A listing's rows, newest first (empty for a listing without articles).</summary>
    public IReadOnlyList<ListingEntity> Rows(string listingKey) => _listings.GetValueOrDefault(listingKey) ?? [];

    /// <summary>See <see cref="ListingWindow.Around"/>.</summary>
    public List<ListingEntity> Window(string listingKey, string rowKey, int size) => ListingWindow.Around(Rows(listingKey), rowKey, size);

    public Task<IReadOnlyList<ListingEntity>> NewestAsync(string listingKey, int count, CancellationToken ct, DateTimeOffset? notBefore = null) =>
        Task.FromResult<IReadOnlyList<ListingEntity>>(
            Rows(listingKey).TakeWhile(r => notBefore is null || r.PublishedAt >= notBefore).Take(count).ToList());

    public Task<IReadOnlyList<ListingEntity>> RangeAsync(string listingKey, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ListingEntity>>(Rows(listingKey).Where(r => r.PublishedAt >= from && r.PublishedAt < to).ToList());

    public Task<IReadOnlyList<string>> MonthsAsync(string listingKey, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(MonthsOf(listingKey));

    private List<string> MonthsOf(string listingKey) =>
        Rows(listingKey).Select(r => Months.Of(r.PublishedAt)).Distinct(StringComparer.Ordinal).ToList();

    public Task<IReadOnlyList<SectionName>> SectionsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<SectionName>>(Sections);

    /// <summary>The sections that have articles, each named as its newest article spells it.</summary>
    public IReadOnlyList<SectionName> Sections => field ??= SectionIndex.Ordered(_listings
        .Where(l => ListingRef.Parse(l.Key) is { Kind: ListingRef.SectionKind })
        .Select(l => new SectionName(ListingRef.Parse(l.Key)!.Slug, l.Value[0].ListingName)));

    public Task<IReadOnlyList<SitemapMonth>> SitemapMonthsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<SitemapMonth>>(SitemapMonths);

    /// <summary>What the sitemap index shows of each month, as the refresh of the month's shards records it.</summary>
    public IReadOnlyList<SitemapMonth> SitemapMonths => field ??= Rows(ListingRef.All)
        .GroupBy(r => Months.Of(r.PublishedAt), StringComparer.Ordinal)
        .Select(m => new SitemapMonth(m.Key, (m.Count() + _sitemapShardSize - 1) / _sitemapShardSize, m.Max(r => r.ModifiedAt)))
        .ToList();

    /// <summary>Every listing's months (the rows a rebuild makes <see cref="ListingMonths"/> hold).</summary>
    public Dictionary<string, HashSet<string>> AllMonths() =>
        _listings.Keys.ToDictionary(k => k, k => MonthsOf(k).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
}
