namespace ServerlessNews.Index;

/// <summary>The listing outputs' reads from the tables, as a refresh makes them: a few rows of one partition each.</summary>
public sealed class LiveListingReader(ListingIndex listings, ListingMonths months, SectionIndex sections, SitemapMonths sitemapMonths) : IListingReader
{
    public async Task<IReadOnlyList<ListingEntity>> NewestAsync(string listingKey, int count, CancellationToken ct, DateTimeOffset? notBefore = null) =>
        notBefore is null ? await listings.NewestAsync(listingKey, count, ct) : await listings.TopAsync(listingKey, count, ct, notBefore);

    public async Task<IReadOnlyList<ListingEntity>> RangeAsync(string listingKey, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        await listings.RangeAsync(listingKey, from, to, ct);

    public async Task<IReadOnlyList<string>> MonthsAsync(string listingKey, CancellationToken ct) => await months.ListAsync(listingKey, ct);

    public async Task<IReadOnlyList<SectionName>> SectionsAsync(CancellationToken ct) => await sections.ListAsync(ct);

    public async Task<IReadOnlyList<SitemapMonth>> SitemapMonthsAsync(CancellationToken ct) => await sitemapMonths.ListAsync(ct);
}
