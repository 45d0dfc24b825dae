using System.Collections.Concurrent;

namespace ServerlessNews.Rendering;

/// <summary>
/// What the pages rendered together share. A publish renders its one page in a scope of its own, so no
/// page ever shows data read before its publish began (its reads may start early, while the submission is
/// being stored); a rebuild renders every page in one scope, so reads that thousands of pages share (the
/// section list, the newest articles of a section or a tag) are made once instead of once per page. The
/// one exception is a provisional page (<see cref="ForProvisionalPage"/>), which its publish's message
/// renders again from fresh reads moments later.
/// </summary>
public sealed class RenderScope
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _shared;
    private readonly Pages _pages;

    /// <summary>Per page (by blob name): the related articles it shows.</summary>
    private sealed class Pages
    {
        public readonly ConcurrentDictionary<string, IReadOnlyList<string>> Shown = new(StringComparer.Ordinal);
    }

    private RenderScope(
        bool isBatch, bool newArticle, bool recordsRelated, bool provisional = false,
        ConcurrentDictionary<string, Lazy<Task<object>>>? shared = null, Pages? pages = null)
    {
        IsBatch = isBatch;
        NewArticle = newArticle;
        RecordsRelated = recordsRelated;
        Provisional = provisional;
        _shared = shared ?? new(StringComparer.Ordinal);
        _pages = pages ?? new();
    }

    /// <summary>For one page. <paramref name="newArticle"/>: never published before, so it has no comments yet.</summary>
    public static RenderScope ForOnePage(bool newArticle = false) => new(isBatch: false, newArticle, recordsRelated: true);

    /// <summary>
    /// For the first version of one page, which is rendered again from fresh reads moments later (a publish
    /// in the delivering request, whose message renders the page again): it may show the site's navigation as
    /// this process read it a little earlier, and shows no related articles (which a kill must never miss).
    /// </summary>
    public static RenderScope ForProvisionalPage() => new(isBatch: false, newArticle: false, recordsRelated: false, provisional: true);

    /// <summary>For many pages rendered from the same state of the site (a rebuild).</summary>
    /// <param name="readOnly">The pages will not be written (a dry run): sections must record nothing either.</param>
    public static RenderScope ForBatch(bool readOnly = false) => new(isBatch: true, newArticle: false, recordsRelated: !readOnly);

    /// <summary>
    /// This one page's scope, with its reads so far, once it is known whether the article is new (a publish
    /// starts reading before it has read the article's row).
    /// </summary>
    public RenderScope ForArticle(bool newArticle) => IsBatch
        ? throw new InvalidOperationException("A batch scope serves many articles.")
        : new(isBatch: false, newArticle, RecordsRelated, Provisional, _shared, _pages);

    public bool IsBatch { get; }

    /// <summary>See <see cref="ForProvisionalPage"/>.</summary>
    public bool Provisional { get; }

    /// <summary>
    /// Pages rendered in this scope have which related articles they show recorded before they are written, and
    /// carry that list: a single page's render records them (while its other sections read), a batch's writer
    /// records those the stored page does not show yet (see <see cref="Publishing.ArticlePages.WriteAsync"/>).
    /// False for a dry run, whose pages are not written, and for a page whose records a later render makes.
    /// </summary>
    public bool RecordsRelated { get; }

    /// <summary>
    /// The article has never been published: nothing can refer to it yet (comments are only taken on
    /// published articles), so sections may skip reads that could only come back empty.
    /// </summary>
    public bool NewArticle { get; }

    /// <summary>The related articles a page rendered in this scope shows, for its writer to store with it.</summary>
    public void ShowsRelated(string pageBlobName, IReadOnlyList<string> related) => _pages.Shown[pageBlobName] = related;

    public IReadOnlyList<string>? RelatedShownOn(string pageBlobName) => _pages.Shown.GetValueOrDefault(pageBlobName);

    /// <summary>Whether <paramref name="key"/> was read (or is being read) in this scope.</summary>
    public bool Has(string key) => _shared.ContainsKey(key);

    /// <summary>
    /// Makes a read already under way the scope's answer for <paramref name="key"/>, unless it has one: reads
    /// that several sections need can then be made as one request.
    /// </summary>
    public void Seed<T>(string key, Task<T> read) where T : class =>
        _shared.TryAdd(key, new Lazy<Task<object>>(async () => await read));

    /// <summary>
    /// Reads <paramref name="key"/> once per scope; concurrent callers share one read. A failed read is
    /// forgotten, so the next page tries again instead of failing the rest of a batch.
    /// </summary>
    public async Task<T> SharedAsync<T>(string key, Func<Task<T>> read) where T : class
    {
        var entry = _shared.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await read()));
        try
        {
            return (T)await entry.Value;
        }
        catch
        {
            _shared.TryRemove(new KeyValuePair<string, Lazy<Task<object>>>(key, entry));
            throw;
        }
    }
}
