using System.Security.Cryptography;
using System.Text;
using Fluid;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>The article a related block is for: what relevance is measured against.</summary>
public sealed record RelatedSubject(string Id, string Section, IReadOnlyList<string> Tags, DateTimeOffset PublishedAt)
{
    public static RelatedSubject Of(ArticleSubmission article) => new(article.Id, article.Section, article.Tags, article.PublishedAt);

    public static RelatedSubject Of(ListingEntity row) => new(row.ArticleId, row.Section, row.TagNames(), row.PublishedAt);

    /// <summary>Its position in each of its listings.</summary>
    public string RowKey => ListingEntity.RowKeyFor(PublishedAt, Id);

    /// <summary>The listings its candidates come from: its section, then its first tags.</summary>
    public IEnumerable<string> CandidateListings => PageListingHeads.CandidateKeys(Section, Tags);
}

/// <summary>
/// "Related Articles", ranked by relevance (docs/related-articles.md). An article's candidates are the
/// <see cref="RefreshOptions.RelatedWindow"/> articles either side of it, by publish time, in its section and in each of
/// its first tags (<see cref="ListingWindow"/>); each scores <see cref="RefreshOptions.RelatedTagWeight"/> per tag it
/// shares and <see cref="RefreshOptions.RelatedSectionWeight"/> for the same section; ties go to the closest in publish
/// time, then the newer, then the smaller id. A block is computed from the listings as committed: from the tables
/// (the listing heads, then a key range or two for an article outside them), or from a rebuild's snapshot; both give
/// the same block for the same listings.
/// </summary>
public sealed class RelatedArticles(ListingIndex listings, PageListingHeads heads, IOptions<RefreshOptions> options)
{
    private RefreshOptions Options => options.Value;

    /// <summary>The related articles of <paramref name="subject"/>, most relevant first.</summary>
    public async Task<IReadOnlyList<ListingEntity>> ForAsync(RelatedSubject subject, RenderScope scope, CancellationToken ct)
    {
        var rowKey = subject.RowKey;
        var windows = await Task.WhenAll(subject.CandidateListings.Select(listing => WindowAsync(listing, rowKey, scope, ct)));
        return Rank(subject, windows.SelectMany(w => w));
    }

    /// <summary>The block a page of <paramref name="subject"/> shows: see <see cref="ForAsync"/> and <see cref="Block"/>.</summary>
    public async Task<RelatedBlock> BlockAsync(RelatedSubject subject, RenderScope scope, CancellationToken ct) =>
        Block(await ForAsync(subject, scope, ct));

    /// <summary>Ranks candidates by relevance to <paramref name="subject"/> and keeps <see cref="RefreshOptions.RelatedCount"/>.</summary>
    public IReadOnlyList<ListingEntity> Rank(RelatedSubject subject, IEnumerable<ListingEntity> candidates)
    {
        var tags = subject.Tags.Select(Slug.From).ToHashSet(StringComparer.Ordinal);
        var section = Slug.ForSection(subject.Section);
        return candidates
            .Where(c => c.ArticleId != subject.Id)
            // An article is in several windows (its rows of several listings): the same summary, unless a sync is under way.
            .GroupBy(c => c.ArticleId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(c => c.Revision)!)
            .Select(c => (Row: c, Score: Options.RelatedTagWeight * c.TagNames().Select(Slug.From).Distinct(StringComparer.Ordinal).Count(tags.Contains)
                + (Slug.ForSection(c.Section) == section ? Options.RelatedSectionWeight : 0)))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => Math.Abs(c.Row.PublishedAt.UtcTicks - subject.PublishedAt.UtcTicks))
            .ThenByDescending(c => c.Row.PublishedAt.UtcTicks)
            .ThenBy(c => c.Row.ArticleId, StringComparer.Ordinal)
            .Take(Options.RelatedCount)
            .Select(c => c.Row)
            .ToList();
    }

    /// <summary>The ids of <paramref name="related"/> and a digest of everything a page shows of them.</summary>
    public static RelatedBlock Block(IReadOnlyList<ListingEntity> related)
    {
        if (related.Count == 0)
        {
            return RelatedBlock.None;
        }
        var text = new StringBuilder();
        foreach (var item in related.Select(SitePages.ToItem))
        {
            // The fields of what the template is given, each ended by a character no field holds.
            foreach (var field in new[] { item.Id, item.Headline, item.Summary, item.Url, item.Section.Name, item.Section.Url, item.Authors,
                         item.PublishedIso, item.UpdatedIso })
            {
                text.Append(field).Append('\u0000');
            }
        }
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
        return new RelatedBlock(related.Select(r => r.ArticleId).ToArray(), digest);
    }

    /// <summary>Whether two blocks show the same articles the same way.</summary>
    public static bool Same(RelatedBlock a, RelatedBlock b) => a.Digest == b.Digest && a.Ids.SequenceEqual(b.Ids, StringComparer.Ordinal);

    /// <summary>The window around <paramref name="rowKey"/> in one listing (see <see cref="ListingWindow"/>), read once per scope.</summary>
    public Task<List<ListingEntity>> WindowAsync(string listingKey, string rowKey, RenderScope scope, CancellationToken ct) =>
        scope.Snapshot is { } snapshot
            ? Task.FromResult(snapshot.Window(listingKey, rowKey, Options.RelatedWindow))
            : scope.SharedAsync("window|" + listingKey + "|" + rowKey, () => ReadWindowAsync(listingKey, rowKey, scope, ct));

    /// <summary>
    /// A window from the tables. The listing's head (its newest rows, which the page reads anyway) answers for an article
    /// among them; for an older one, one query reads the rows just older and key ranges widening in time the rows just newer.
    /// </summary>
    private async Task<List<ListingEntity>> ReadWindowAsync(string listingKey, string rowKey, RenderScope scope, CancellationToken ct)
    {
        var size = Options.RelatedWindow;
        var head = await heads.HeadAsync(listingKey, scope, ct);
        var headRows = head is null ? [] : ListingHeads.ListingRows(head, listingKey);
        if (head is not null && headRows.Count < ListingHeads.Size)
        {
            return ListingWindow.Around(headRows, rowKey, size); // the head is the whole listing
        }
        var inHead = headRows.Count > 0 && string.CompareOrdinal(rowKey, headRows[^1].RowKey) <= 0;
        var olderInHead = inHead ? headRows.Where(r => string.CompareOrdinal(r.RowKey, rowKey) > 0).ToList() : [];
        var older = olderInHead.Count >= size ? olderInHead.Take(size).ToList() : await listings.OlderThanAsync(listingKey, rowKey, size, ct);
        if (inHead)
        {
            return [.. headRows.Where(r => string.CompareOrdinal(r.RowKey, rowKey) < 0).TakeLast(size), .. older];
        }
        // The newest row bounds the search: from the head, or (a listing indexed before heads) its partition.
        var newest = headRows.Count > 0 ? headRows[0] : (await listings.TopAsync(listingKey, 1, ct)).FirstOrDefault();
        return [.. await NewerAsync(listingKey, rowKey, newest?.RowKey, size, ct), .. older];
    }

    /// <summary>
    /// The <paramref name="size"/> rows just newer than <paramref name="rowKey"/>: key ranges over widening spans of time
    /// after it (an hour, then four times as long each), until they hold enough or reach <paramref name="newestKey"/>.
    /// </summary>
    private async Task<List<ListingEntity>> NewerAsync(string listingKey, string rowKey, string? newestKey, int size, CancellationToken ct)
    {
        var rows = new List<ListingEntity>();
        if (newestKey is null || string.CompareOrdinal(newestKey, rowKey) >= 0)
        {
            return rows; // nothing is newer
        }
        var at = ListingEntity.PublishedAtOf(rowKey);
        var upper = rowKey;
        var span = TimeSpan.FromHours(1);
        while (true)
        {
            var lower = at + span < ListingEntity.PublishedAtOf(newestKey) ? ListingEntity.InvertedTicks(at + span) : "";
            rows.InsertRange(0, await listings.KeyRangeAsync(listingKey, lower, upper, ct));
            if (rows.Count >= size || lower.Length == 0)
            {
                return rows.TakeLast(size).ToList();
            }
            upper = lower;
            span *= 4;
        }
    }
}

/// <summary>Puts the related block on an article page (the template variable <c>related</c>) and records it for its writer.</summary>
public sealed class RelatedArticlesSection(RelatedArticles related, PageListingHeads heads) : IArticlePageSection
{
    public async Task<Action<TemplateContext>> PrepareAsync(ArticleDocument document, PageView page, RenderScope scope, CancellationToken ct)
    {
        if (scope.Provisional)
        {
            // Shown from the render that follows, once the listings hold the article.
            return _ => { };
        }
        heads.Prefetch(document, scope, ct);
        var rows = await related.ForAsync(RelatedSubject.Of(document.Article), scope, ct);
        scope.ShowsRelated(document.PageBlobName, RelatedArticles.Block(rows));
        var items = rows.Select(SitePages.ToItem).ToArray();
        return context => context.SetValue("related", items);
    }

    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        if (!scope.Provisional)
        {
            heads.Prefetch(document, scope, ct);
        }
        return Task.CompletedTask;
    }
}
