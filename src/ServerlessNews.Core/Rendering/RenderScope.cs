using System.Collections.Concurrent;
using ServerlessNews.Index;

namespace ServerlessNews.Rendering;

/// <summary>
/// What the pages rendered together share. A publish renders its one page in a scope of its own, so no page ever
/// shows data read before its publish began (its reads may start early, while the submission is being stored); a
/// refresh that renders several pages shares its reads among them; a rebuild or a verify renders every page from one
/// in-memory snapshot of the listings (<see cref="ForBatch"/>). The one exception is a provisional page
/// (<see cref="ForProvisionalPage"/>), which its publish's message renders again from fresh reads moments later.
/// </summary>
public sealed class RenderScope
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _shared;
    private readonly ConcurrentDictionary<string, RelatedBlock> _related;

    private RenderScope(
        bool newArticle, bool provisional = false, ListingSnapshot? snapshot = null, DateTimeOffset? asOf = null,
        ConcurrentDictionary<string, Lazy<Task<object>>>? shared = null, ConcurrentDictionary<string, RelatedBlock>? related = null)
    {
        NewArticle = newArticle;
        Provisional = provisional;
        Snapshot = snapshot;
        AsOf = asOf;
        _shared = shared ?? new(StringComparer.Ordinal);
        _related = related ?? new(StringComparer.Ordinal);
    }

    /// <summary>For one page. <paramref name="newArticle"/>: never published before, so it has no comments yet.</summary>
    public static RenderScope ForOnePage(bool newArticle = false) => new(newArticle);

    /// <summary>For the pages one refresh renders: they share what they read, all of it read after the refresh began.</summary>
    public static RenderScope ForRefresh() => new(newArticle: false);

    /// <summary>
    /// For the first version of one page, which is rendered again from fresh reads moments later (a publish
    /// in the delivering request, whose message renders the page again): it may show the site's navigation as
    /// this process read it a little earlier, and shows no related articles.
    /// </summary>
    public static RenderScope ForProvisionalPage() => new(newArticle: false, provisional: true);

    /// <summary>For every page of the site, rendered from one snapshot of its listings as of <paramref name="asOf"/> (a rebuild, a verify).</summary>
    public static RenderScope ForBatch(ListingSnapshot snapshot, DateTimeOffset asOf) => new(newArticle: false, snapshot: snapshot, asOf: asOf);

    /// <summary>
    /// This one page's scope, with its reads so far, once it is known whether the article is new (a publish
    /// starts reading before it has read the article's row).
    /// </summary>
    public RenderScope ForArticle(bool newArticle) => IsBatch
        ? throw new InvalidOperationException("A batch scope serves many articles.")
        : new(newArticle, Provisional, null, AsOf, _shared, _related);

    /// <summary>Every page of the site from one snapshot: sections read what all pages share once.</summary>
    public bool IsBatch => Snapshot is not null;

    /// <summary>The listings of a batch, in memory; null: pages read the tables.</summary>
    public ListingSnapshot? Snapshot { get; }

    /// <summary>The clock period pages are rendered for; null: the current one (<see cref="SiteClock"/>).</summary>
    public DateTimeOffset? AsOf { get; }

    /// <summary>See <see cref="ForProvisionalPage"/>.</summary>
    public bool Provisional { get; }

    /// <summary>
    /// The article has never been published: nothing can refer to it yet (comments are only taken on
    /// published articles), so sections may skip reads that could only come back empty.
    /// </summary>
    public bool NewArticle { get; }

    /// <summary>The related articles a page rendered in this scope shows, for its writer to store with it.</summary>
    public void ShowsRelated(string pageBlobName, RelatedBlock block) => _related[pageBlobName] = block;

    public RelatedBlock? RelatedShownOn(string pageBlobName) => _related.GetValueOrDefault(pageBlobName);

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

/// <summary>
/// The related articles a page shows: their ids, and a digest of everything the page shows of them, which the page
/// carries in its metadata, so that whether a change to the listings changes the page is known from its properties.
/// </summary>
public sealed record RelatedBlock(IReadOnlyList<string> Ids, string Digest)
{
    public static readonly RelatedBlock None = new([], "");
}
