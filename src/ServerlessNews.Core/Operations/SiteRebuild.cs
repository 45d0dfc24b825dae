using System.Diagnostics;
using System.Threading.Channels;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Operations;

/// <param name="Total">Null while the articles are still being read.</param>
public sealed record RebuildProgress(int Done, int? Total, int Skipped, TimeSpan Elapsed);

/// <summary>
/// Re-renders every published article page, e.g. after a theme change. Runs as an operator command, not on
/// any request path, so scanning the articles table and listing <c>$web</c> is acceptable here. Reading,
/// rendering and uploading overlap: the articles table is read a thousand documents per query into a
/// bounded channel (which also bounds memory) while pages are rendered and uploaded from it. All pages
/// render in one <see cref="RenderScope"/>, so what they share is read once; the listing of <c>$web</c>, made
/// while the first pages render, spares a read before each write and skips pages that come out unchanged.
/// </summary>
public sealed partial class SiteRebuild(BlobServiceClient blobs, ArticleIndex index, ArticleContent content, ArticlePages pages, ILogger<SiteRebuild> logger)
{
    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    /// <param name="dryRun">Render every page but write none: checks a theme against every article.</param>
    public async Task<RebuildProgress> RebuildArticlesAsync(IProgress<RebuildProgress>? progress, int parallelism, CancellationToken ct, bool dryRun = false)
    {
        var watch = Stopwatch.StartNew();
        // Listing $web and reading the articles table are independent: the first pages wait for both.
        var listing = dryRun ? Task.FromResult(new Dictionary<string, StoredBlob>()) : RevisionGuard.ListAsync(_web, ct);
        var scope = RenderScope.ForBatch(readOnly: dryRun);
        var articles = Channel.CreateBounded<(string Id, ArticleDocument? Document)>(parallelism * 4);
        int read = 0, done = 0, skipped = 0;
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in index.PublishedAsync(ct))
                {
                    await articles.Writer.WriteAsync(item, ct);
                    Interlocked.Increment(ref read);
                }
                articles.Writer.Complete();
            }
            catch (Exception e)
            {
                articles.Writer.Complete(e);
            }
        }, ct);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(articles.Reader.ReadAllAsync(ct), options, async (item, token) =>
        {
            // Documents too large for the table are read from content.
            var document = item.Document ?? await content.LoadAsync(item.Id, token);
            if (document is null || document.Path.Length == 0)
            {
                Interlocked.Increment(ref skipped);
            }
            else
            {
                // Pages render while $web is listed; only their writes wait for the listing.
                var html = await pages.RenderAsync(document, scope, token);
                if (!dryRun)
                {
                    // Same revision: replaces the page, but never one a newer publish wrote meanwhile.
                    var stored = await listing;
                    await pages.WriteAsync(document, html, scope, token, probablyNew: !stored.TryGetValue(document.PageBlobName, out var seen), lastSeen: seen);
                }
            }
            var count = Interlocked.Increment(ref done);
            if (count % 100 == 0)
            {
                progress?.Report(new RebuildProgress(count, reading.IsCompleted ? Volatile.Read(ref read) : null, Volatile.Read(ref skipped), watch.Elapsed));
            }
        });
        await Task.WhenAll(reading, listing);
        var result = new RebuildProgress(done, done, skipped, watch.Elapsed);
        progress?.Report(result);
        LogRebuilt(done - skipped, skipped, watch.Elapsed.TotalSeconds, dryRun);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt {Count} article pages ({Skipped} skipped, dry run {DryRun}) in {Seconds:0.0} s")]
    private partial void LogRebuilt(int count, int skipped, double seconds, bool dryRun);
}
