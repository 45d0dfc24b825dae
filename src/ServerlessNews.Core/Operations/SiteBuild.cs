using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Images;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Operations;

/// <param name="Phase">What is being rendered: "index", "listings", "articles".</param>
/// <param name="Done">Outputs of the phase rendered so far.</param>
/// <param name="Total">Null while it is not known yet.</param>
/// <param name="Skipped">Articles without a document (nothing to render).</param>
public sealed record RebuildProgress(int Done, int? Total, int Skipped, TimeSpan Elapsed, string Phase = "articles");

/// <summary>What a rebuild did: article pages rendered, other files rendered, files written and removed.</summary>
public sealed record RebuildResult(int ArticlePages, int OtherFiles, int Written, int Removed, int Skipped, int IndexRowsRepaired, TimeSpan Elapsed);

/// <summary>One way <c>$web</c> differs from a clean build of the site.</summary>
/// <param name="Kind">"missing" (a clean build writes it, <c>$web</c> lacks it), "extra" (the reverse) or "different".</param>
/// <param name="Detail">For a difference, where it starts.</param>
public sealed record SiteDifference(string Name, string Kind, string Detail);

/// <summary>
/// The whole site rendered from the index, as a clean build writes it: every output of <see cref="SiteRenderers"/>
/// (articles' pages and removal notices, the home page, section, tag and author fronts and month archives, feeds,
/// sitemaps and the news sitemap, robots.txt, the 404 page). <see cref="RebuildAsync"/> writes what differs and removes
/// what no output writes; <see cref="VerifyAsync"/> writes nothing and reports every difference, which is how an
/// operator proves that the incremental refreshes converged. Both read every article's row once, with its document (the listings are
/// derived from them in memory, <see cref="ListingSnapshot"/>), render every page from that snapshot, and list
/// <c>$web</c> once with each blob's properties, instead of reading each blob. Operator commands, not a request path, so
/// scanning the tables and listing the container is acceptable here.
/// </summary>
public sealed partial class SiteBuild(
    BlobServiceClient blobs, ArticleIndex index, ArticleContent content, SiteRenderers renderers, SiteFiles files, SiteClock clock,
    SiteMaintenance maintenance, ListingMonths months, SectionIndex sections, SitemapMonths sitemapMonths, BrandAssets brand,
    IOptions<RefreshOptions> refresh, ILogger<SiteBuild> logger)
{
    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    /// <summary>
    /// Renders the whole site and writes every file that differs from what is stored (never over an article page of a
    /// newer revision, nor over a file written since the listing), removes the site files no output writes any more, and
    /// brings what the refreshes keep of the listings (months, sections, sitemap months) in line. It records the theme it
    /// rendered with, so that the site's timer does not sweep the whole site again after it.
    /// </summary>
    /// <param name="dryRun">Render every page but write none: checks a theme against every article.</param>
    public async Task<RebuildResult> RebuildAsync(IProgress<RebuildProgress>? progress, int parallelism, CancellationToken ct, bool dryRun = false)
    {
        var watch = Stopwatch.StartNew();
        var listing = dryRun ? Task.FromResult(new Dictionary<string, StoredBlob>()) : RevisionGuard.ListAsync(_web, ct);
        var theme = await maintenance.ThemeFingerprintAsync(ct);
        int written = 0, removed = 0;
        var produced = await RenderSiteAsync(progress, parallelism, watch, async (file, _, token) =>
        {
            if (dryRun)
            {
                return;
            }
            var stored = await listing;
            if (await files.WriteIfChangedAsync(file, stored.GetValueOrDefault(file.Name), token))
            {
                Interlocked.Increment(ref written);
            }
        }, clock.Now, ct);
        var repaired = 0;
        if (!dryRun)
        {
            foreach (var (name, stored) in (await listing).Where(b => !produced.Names.ContainsKey(b.Key) && IsSiteFile(b.Key)))
            {
                removed += await files.RemoveAsync(name, stored, ct) ? 1 : 0;
            }
            repaired = await RepairIndexAsync(produced.Snapshot, ct);
            await maintenance.RecordThemeAsync(theme, ct);
        }
        var result = new RebuildResult(produced.ArticlePages, produced.Names.Count - produced.ArticlePages, written, removed, produced.Skipped, repaired, watch.Elapsed);
        LogRebuilt(result.ArticlePages, result.OtherFiles, written, removed, watch.Elapsed.TotalSeconds, dryRun);
        return result;
    }

    /// <summary>
    /// Renders the whole site into memory and compares it with <c>$web</c>: every file missing, extra or different.
    /// What depends on the clock (the news sitemap, comment forms) is compared with the current clock period, and, until
    /// the site's timer has brought the site to this period, with the period before too.
    /// </summary>
    public async Task<IReadOnlyList<SiteDifference>> VerifyAsync(IProgress<RebuildProgress>? progress, int parallelism, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var listing = RevisionGuard.ListAsync(_web, ct);
        var asOf = clock.Now;
        var differences = new ConcurrentBag<SiteDifference>();
        var produced = await RenderSiteAsync(progress, parallelism, watch, async (file, rerender, token) =>
        {
            var stored = (await listing).GetValueOrDefault(file.Name);
            if (stored is not null && file.IsStoredAs(stored))
            {
                return;
            }
            if (stored is not null && SiteRenderers.DependsOnTheClock(file.Name) && await RenderedInAnEarlierPeriodAsync(stored, rerender, asOf, token))
            {
                return;
            }
            differences.Add(stored is null ? new(file.Name, "missing", "") : new(file.Name, "different", await DescribeAsync(file, stored, token)));
        }, asOf, ct);
        var writtenElsewhere = WrittenElsewhere();
        foreach (var name in (await listing).Keys.Where(n => !produced.Names.ContainsKey(n) && !writtenElsewhere(n)))
        {
            differences.Add(new(name, "extra", IsSiteFile(name) ? "" : "not a file the site writes"));
        }
        LogVerified(produced.Names.Count, differences.Count, watch.Elapsed.TotalSeconds);
        return differences.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Whether <paramref name="stored"/> is what the output renders in one of the periods since the last the site's timer
    /// reached: until the timer reaches the current period, outputs that show the time may still be those of a period
    /// before (at most a day of periods is tried).
    /// </summary>
    private async Task<bool> RenderedInAnEarlierPeriodAsync(StoredBlob stored, Func<DateTimeOffset, Task<SiteFile?>> rerender, DateTimeOffset asOf, CancellationToken ct)
    {
        if (await maintenance.ClockAsync(ct) is not { } ticked || ticked >= asOf)
        {
            return false;
        }
        for (var (period, tries) = (asOf - clock.Period, 0); period >= ticked && tries < 24; period -= clock.Period, tries++)
        {
            if (await rerender(period) is { } earlier && earlier.IsStoredAs(stored))
            {
                return true;
            }
        }
        return false;
    }

    private sealed record Produced(ListingSnapshot Snapshot, ConcurrentDictionary<string, bool> Names, int ArticlePages, int Skipped);

    /// <summary>
    /// Renders every output, handing each file to <paramref name="onFile"/> with a way to render it again for another
    /// clock period. Listing outputs first (from the snapshot), then articles' addresses, from the documents the
    /// snapshot read with the rows.
    /// </summary>
    private async Task<Produced> RenderSiteAsync(
        IProgress<RebuildProgress>? progress, int parallelism, Stopwatch watch, Func<SiteFile, Func<DateTimeOffset, Task<SiteFile?>>, CancellationToken, Task> onFile,
        DateTimeOffset asOf, CancellationToken ct)
    {
        progress?.Report(new RebuildProgress(0, null, 0, watch.Elapsed, "index"));
        // One scan of the articles table: the rows with their packed documents (a few kilobytes each).
        var snapshot = await ListingSnapshot.LoadAsync(index, refresh.Value.SitemapShardSize, ct, withDocuments: true);
        var names = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct };

        var outputs = SiteRenderers.ListingOutputs(snapshot).ToList();
        var done = 0;
        await Parallel.ForEachAsync(outputs, options, async (output, token) =>
        {
            async Task<RenderedOutput> RenderAt(DateTimeOffset period) => await renderers.RenderAsync(output, new SiteRenderContext(snapshot, period), token);
            foreach (var file in (await RenderAt(asOf)).Files)
            {
                names[file.Name] = true;
                await onFile(file, async period => (await RenderAt(period)).Files.FirstOrDefault(f => f.Name == file.Name), token);
            }
            Report(progress, Interlocked.Increment(ref done), outputs.Count, 0, watch, "listings");
        });

        var scope = RenderScope.ForBatch(snapshot, asOf);
        foreach (var killed in snapshot.Killed)
        {
            if (await renderers.RenderArticleAsync(killed, null, scope, ct) is { } notice)
            {
                names[notice.Name] = true;
                await onFile(notice, async period => await renderers.RenderArticleAsync(killed, null, RenderScope.ForBatch(snapshot, period), ct), ct);
            }
        }
        int pages = 0, skipped = 0;
        await Parallel.ForEachAsync(snapshot.Published, options, async (article, token) =>
        {
            // Documents too large for the table are read from content.
            var document = ArticleIndex.DocumentOf(article) ?? await content.LoadAsync(article.PartitionKey, token);
            if (document is null || document.Path.Length == 0)
            {
                Interlocked.Increment(ref skipped);
            }
            else if (await renderers.RenderArticleAsync(article, document, scope, token) is { } page)
            {
                names[page.Name] = true;
                Interlocked.Increment(ref pages);
                await onFile(page, async period => await renderers.RenderArticleAsync(article, document, RenderScope.ForBatch(snapshot, period), token), token);
            }
            var count = Volatile.Read(ref pages) + Volatile.Read(ref skipped);
            if (count % 100 == 0)
            {
                Report(progress, count, snapshot.Published.Count, Volatile.Read(ref skipped), watch, "articles");
            }
        });
        Report(progress, pages + skipped, snapshot.Published.Count, skipped, watch, "articles");
        return new Produced(snapshot, names, pages, skipped);
    }

    private static void Report(IProgress<RebuildProgress>? progress, int done, int? total, int skipped, Stopwatch watch, string phase) =>
        progress?.Report(new RebuildProgress(done, total, skipped, watch.Elapsed, phase));

    /// <summary>
    /// Brings what the refreshes keep of the listings in line with the articles: each listing's months, the sections and
    /// the sitemap's months (a site indexed before they were kept this way, or rows left by a failure).
    /// </summary>
    /// <returns>How many rows changed.</returns>
    private async Task<int> RepairIndexAsync(ListingSnapshot snapshot, CancellationToken ct)
    {
        var changed = 0;
        var desired = snapshot.AllMonths();
        var stored = await months.AllAsync(ct);
        foreach (var listingKey in desired.Keys.Union(stored.Keys))
        {
            var want = desired.GetValueOrDefault(listingKey) ?? [];
            var have = stored.GetValueOrDefault(listingKey) ?? [];
            foreach (var month in want.Except(have))
            {
                changed += await months.SetAsync(listingKey, month, true, ct) ? 1 : 0;
            }
            foreach (var month in have.Except(want))
            {
                changed += await months.SetAsync(listingKey, month, false, ct) ? 1 : 0;
            }
        }
        changed += await sections.ReplaceAllAsync(snapshot.Sections, ct);
        changed += await sitemapMonths.ReplaceAllAsync(snapshot.SitemapMonths, ct);
        return changed;
    }

    /// <summary>Whether a blob name is one the site's outputs write (a rebuild removes such a blob when no output does any more).</summary>
    public static bool IsSiteFile(string name) =>
        name.EndsWith("index.html", StringComparison.Ordinal) || name.EndsWith("feed.xml", StringComparison.Ordinal) || name.EndsWith("atom.xml", StringComparison.Ordinal) ||
        name.StartsWith("sitemaps/", StringComparison.Ordinal) ||
        name is "sitemap.xml" or "news-sitemap.xml" or "robots.txt" or SitePages.NotFoundBlob;

    /// <summary>
    /// Files in <c>$web</c> that other writers own, outside the invariant: an uploaded image's copy, manifest and
    /// renditions (<see cref="ImageUploadHandler"/>; the pages that show them are outputs) and the default brand files
    /// (<see cref="BrandAssets"/>, written when a host starts).
    /// </summary>
    private Func<string, bool> WrittenElsewhere()
    {
        var brandFiles = brand.Defaults().Select(a => a.Path.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
        return name => name.StartsWith(ImageReference.Prefix, StringComparison.Ordinal) || brandFiles.Contains(name);
    }

    /// <summary>Where a file differs from its stored blob: a header, a metadata value, or the first line of the content that differs.</summary>
    private async Task<string> DescribeAsync(SiteFile file, StoredBlob stored, CancellationToken ct)
    {
        if (!string.Equals(stored.ContentType, file.ContentType, StringComparison.Ordinal))
        {
            return $"Content-Type: expected '{file.ContentType}', found '{stored.ContentType}'";
        }
        if (!string.Equals(stored.CacheControl ?? "", file.CacheControl ?? "", StringComparison.Ordinal))
        {
            return $"Cache-Control: expected '{file.CacheControl}', found '{stored.CacheControl}'";
        }
        var expectedMetadata = file.StoredMetadata();
        foreach (var key in expectedMetadata.Keys.Union(stored.Metadata?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            var expected = expectedMetadata.GetValueOrDefault(key);
            var found = stored.MetadataValue(key);
            if (expected != found)
            {
                return $"metadata {key}: expected '{expected}', found '{found}'";
            }
        }
        var actual = (await _web.GetBlobClient(file.Name).DownloadContentAsync(ct)).Value.Content.ToString();
        return FirstDifference(file.Content.ToString(), actual);
    }

    /// <summary>The first line that differs, shortened around the first character that does.</summary>
    public static string FirstDifference(string expected, string found)
    {
        var a = expected.Split('\n');
        var b = found.Split('\n');
        for (var line = 0; line < Math.Max(a.Length, b.Length); line++)
        {
            var x = line < a.Length ? a[line] : "";
            var y = line < b.Length ? b[line] : "";
            if (x == y)
            {
                continue;
            }
            var at = 0;
            while (at < x.Length && at < y.Length && x[at] == y[at])
            {
                at++;
            }
            return new StringBuilder()
                .Append("line ").Append(line + 1).Append(", column ").Append(at + 1)
                .Append(": expected '").Append(Excerpt(x, at)).Append("', found '").Append(Excerpt(y, at)).Append('\'')
                .ToString();
        }
        return "the same text, different bytes";
    }

    private static string Excerpt(string line, int at)
    {
        var from = Math.Max(0, at - 20);
        return string.Concat(from > 0 ? "…" : "", line.AsSpan(from, Math.Min(60, line.Length - from)), line.Length - from > 60 ? "…" : "");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt the site: {ArticlePages} article pages and {OtherFiles} other files, {Written} written, {Removed} removed, in {Seconds:0.0} s (dry run {DryRun})")]
    private partial void LogRebuilt(int articlePages, int otherFiles, int written, int removed, double seconds, bool dryRun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Verified {Files} files of the site: {Differences} differences, in {Seconds:0.0} s")]
    private partial void LogVerified(int files, int differences, double seconds);
}
