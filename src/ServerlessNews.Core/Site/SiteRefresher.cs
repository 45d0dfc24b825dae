using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>
/// Handles one <c>refresh</c> message: claims the output's marker, renders it from the listings and writes it, then
/// releases the marker; if a change marked it meanwhile, the output is queued again, so the last render always read
/// after the last change (<see cref="RefreshMarkers"/>). A refresh also keeps what the output's rows imply: a listing's
/// months (adjacent months and the front page link them), the sections (every page shows them), the sitemap index.
/// Rendering is a pure function of the tables, so a re-delivered or duplicate message is harmless. Exceptions escape:
/// the host retries, then poison-queues.
/// </summary>
public sealed partial class SiteRefresher(
    RefreshMarkers markers, SiteRefreshScheduler scheduler, SiteRenderers renderers, SiteFiles files, LiveListingReader listings,
    ListingMonths months, SectionIndex sections, SitemapMonths sitemapMonths, PublishingPipeline publishing, RelatedPages relatedPages,
    SiteSweep sweep, SiteClock clock, ILogger<SiteRefresher> logger)
{
    private readonly ConcurrentDictionary<string, int> _renders = new(StringComparer.Ordinal);

    /// <summary>How many times this instance rendered an output: what the coalescing is measured by.</summary>
    public int RenderCount(SiteOutput output) => _renders.GetValueOrDefault(output.Key);

    public async Task HandleAsync(string message, CancellationToken ct)
    {
        if (SiteSweep.IsStep(message))
        {
            await sweep.StepAsync(message, ct);
            return;
        }
        var claimed = await markers.ClaimAsync(message, ct);
        if (!SiteOutput.TryParse(message, out var output))
        {
            await markers.TryReleaseAsync(message, claimed, ct);
            LogUnknownOutput(message);
            return; // a message that names no output can never succeed: drop it
        }
        await RefreshAsync(output, ct);
        _renders.AddOrUpdate(output.Key, 1, (_, n) => n + 1);
        if (!await markers.TryReleaseAsync(output.Key, claimed, ct))
        {
            // Changed while it rendered: render it again once the change's other outputs are marked too.
            await scheduler.RequeueAsync(output.Key, ct);
        }
        LogRendered(output.Key);
    }

    /// <summary>Renders and writes one output, and keeps what its rows imply.</summary>
    private async Task RefreshAsync(SiteOutput output, CancellationToken ct)
    {
        switch (output)
        {
            case SiteOutput.ArticlePage page:
                await publishing.RerenderAsync(page.ArticleId, ct);
                return;
            case SiteOutput.Related related:
                await relatedPages.RefreshAroundAsync(related.Listing, related.RowKey, ct);
                return;
            case SiteOutput.Sweep:
                await sweep.StartAsync(ct);
                return;
            case SiteOutput.Front { Listing.Kind: ListingRef.SectionKind } front:
                // The section list first: the page itself shows it.
                var newest = await listings.NewestAsync(front.Listing.Key, 1, ct);
                var section = newest.Count > 0 ? new SectionName(front.Listing.Slug, newest[0].ListingName is { Length: > 0 } name ? name : front.Listing.Slug) : null;
                var sectionsChanged = await sections.SetAsync(front.Listing.Slug, section, ct);
                await RenderAndWriteAsync(output, ct);
                if (sectionsChanged)
                {
                    await scheduler.ScheduleAsync([new SiteOutput.Sweep()], ct);
                }
                return;
            case SiteOutput.Month month:
                var rendered = await RenderAndWriteAsync(output, ct);
                if (await months.SetAsync(month.Listing.Key, month.YearMonth, rendered.Rows > 0, ct))
                {
                    await scheduler.ScheduleAsync(MonthLinksOf(month.Listing, month.YearMonth, await months.ListAsync(month.Listing.Key, ct)), ct);
                }
                return;
            case SiteOutput.Sitemap sitemap:
                var shards = await RenderAndWriteAsync(output, ct);
                var stats = shards.Rows > 0 ? new SitemapMonth(sitemap.YearMonth, shards.NumberedCount, shards.LastModified!.Value) : null;
                if (await sitemapMonths.SetAsync(sitemap.YearMonth, stats, ct))
                {
                    await scheduler.ScheduleAsync([new SiteOutput.SitemapIndex()], ct);
                }
                return;
            default:
                await RenderAndWriteAsync(output, ct);
                return;
        }
    }

    private async Task<RenderedOutput> RenderAndWriteAsync(SiteOutput output, CancellationToken ct)
    {
        var rendered = await renderers.RenderAsync(output, new SiteRenderContext(listings, clock.Now), ct);
        await files.WriteAsync(rendered, ct);
        return rendered;
    }

    /// <summary>
    /// What links to a listing's month once it appears or goes: the front page's archive list and the months either side
    /// (their "Newer" and "Older" links), as the months are now.
    /// </summary>
    public static IEnumerable<SiteOutput> MonthLinksOf(ListingRef listing, string month, IReadOnlyList<string> monthsNow)
    {
        yield return new SiteOutput.Front(listing);
        if (monthsNow.LastOrDefault(m => string.CompareOrdinal(m, month) > 0) is { } newer)
        {
            yield return new SiteOutput.Month(listing, newer);
        }
        if (monthsNow.FirstOrDefault(m => string.CompareOrdinal(m, month) < 0) is { } older)
        {
            yield return new SiteOutput.Month(listing, older);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed {Output}")]
    private partial void LogRendered(string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a refresh message for unknown output {Output}")]
    private partial void LogUnknownOutput(string output);
}
