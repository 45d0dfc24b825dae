using ServerlessNews.Articles;
using ServerlessNews.Index;

namespace ServerlessNews.Rendering;

/// <summary>
/// The listing heads an article page shows (the section list for its navigation, the newest of its section
/// and tags for its related articles), read through the page's scope: all of them in one request the first
/// time any is needed, then shared by the page's sections (and, in a rebuild, by every page). A provisional
/// page shows the section list alone, as this process read or wrote it in the last <see cref="ProvisionalMaxAge"/>.
/// </summary>
public sealed class PageListingHeads(ListingHeads heads)
{
    /// <summary>Enough tags for relevance without one page reading many heads.</summary>
    public const int MaxTags = 5;

    /// <summary>
    /// How old a section list a provisional page may show: its message renders the page again within seconds,
    /// and a steady flow of publishes (whose messages read it again) keeps it younger than this. (The page's
    /// own section is always shown.)
    /// </summary>
    public static readonly TimeSpan ProvisionalMaxAge = TimeSpan.FromMinutes(1);

    private sealed record Read(ListingHeadEntity? Head);

    /// <summary>The listings whose newest articles are the page's related candidates: its section, then its first tags.</summary>
    public static IEnumerable<string> CandidateKeys(ArticleDocument document) => CandidateKeys(document.Article.Section, document.Article.Tags);

    /// <inheritdoc cref="CandidateKeys(ArticleDocument)"/>
    public static IEnumerable<string> CandidateKeys(string section, IEnumerable<string> tags) =>
        new[] { ListingRef.Section(section).Key }
            .Concat(tags.Take(MaxTags).Select(t => ListingRef.Tag(t).Key))
            .Distinct(StringComparer.Ordinal);

    /// <summary>Starts reading, in one request, every head the page shows that its scope has not read yet.</summary>
    public void Prefetch(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        if (scope.IsBatch)
        {
            return; // a batch reads its snapshot
        }
        // A provisional page shows no related articles: its section list only.
        IEnumerable<string> shown = scope.Provisional ? [ListingHeads.SectionsKey] : CandidateKeys(document).Prepend(ListingHeads.SectionsKey);
        var missing = shown.Where(k => !scope.Has(ScopeKey(k))).ToList();
        if (scope.Provisional && missing.Count > 0 && heads.TryRecentSections(ProvisionalMaxAge, out var sections))
        {
            scope.Seed(ScopeKey(ListingHeads.SectionsKey), Task.FromResult(new Read(sections)));
            return;
        }
        if (missing.Count == 0)
        {
            return;
        }
        var all = heads.ReadManyAsync(missing, ct);
        foreach (var key in missing)
        {
            scope.Seed(ScopeKey(key), PickAsync(all, key));
        }
    }

    /// <summary>One head as the scope read it (null: never written); read alone when no prefetch covered it.</summary>
    public async Task<ListingHeadEntity?> HeadAsync(string key, RenderScope scope, CancellationToken ct) =>
        (await scope.SharedAsync(ScopeKey(key), async () => new Read(await heads.ReadAsync(key, ct)))).Head;

    private static async Task<Read> PickAsync(Task<IReadOnlyDictionary<string, ListingHeadEntity>> all, string key) =>
        new((await all).GetValueOrDefault(key));

    private static string ScopeKey(string listingKey) => "head|" + listingKey;
}
