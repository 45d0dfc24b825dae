using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>
/// Renders again every page that embeds what all pages share (the section list in the header, the theme), after it
/// changed: the pages stay static and indexable, and a publish still touches a fixed number of outputs itself. A
/// sweep walks the index in steps, each a <c>refresh</c> message that marks the next <see cref="RefreshOptions.SweepChunk"/>
/// outputs (articles' addresses, then listing fronts and month archives, then the 404 page) through the same
/// coalescing markers as any change (so a page rendered by a publish meanwhile is not overwritten by an older render)
/// and queues the step after it. A newer sweep supersedes one under way: each step checks the generation it belongs to.
/// The first step waits <see cref="SiteOptions.TemplateRefresh"/>, so that every instance has seen a new theme by then.
/// </summary>
public sealed partial class SiteSweep(
    SiteState state, ArticleIndex articles, ListingMonths months, SiteRefreshScheduler scheduler, IOptions<RefreshOptions> refresh,
    IOptions<SiteOptions> site, ILogger<SiteSweep> logger)
{
    private const string StepPrefix = "sweep|";
    private const string ArticlesPhase = "articles";
    private const string ListingsPhase = "listings";
    private const string SitePhase = "site";

    public static bool IsStep(string message) => message.StartsWith(StepPrefix, StringComparison.Ordinal);

    /// <summary>Starts a new sweep from the beginning; one under way stops at its next step.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        long generation;
        while (true)
        {
            var current = await state.ReadAsync(SiteState.SweepKey, ct);
            generation = (current.Value is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : 0) + 1;
            if (await state.TryWriteAsync(SiteState.SweepKey, generation.ToString(CultureInfo.InvariantCulture), current, ct))
            {
                break;
            }
        }
        var wait = site.Value.TemplateRefresh > refresh.Value.Delay ? site.Value.TemplateRefresh : refresh.Value.Delay;
        await scheduler.SendAsync(Step(generation, ArticlesPhase, ""), wait, ct);
        LogStarted(generation);
    }

    /// <summary>One step: marks a chunk of outputs and queues the next step, unless a newer sweep started.</summary>
    public async Task StepAsync(string message, CancellationToken ct)
    {
        var parts = message.Split('|', 4);
        if (parts.Length != 4 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return;
        }
        var current = await state.ReadAsync(SiteState.SweepKey, ct);
        if (current.Value != parts[1])
        {
            return; // superseded
        }
        var (phase, token) = (parts[2], parts[3]);
        var chunk = refresh.Value.SweepChunk;
        List<SiteOutput> outputs;
        string? next;
        switch (phase)
        {
            case ArticlesPhase:
                var (rows, articlesToken) = await articles.OnSitePageAsync(token.Length == 0 ? null : token, chunk, ct);
                outputs = rows.Select(r => (SiteOutput)new SiteOutput.ArticlePage(r.PartitionKey)).ToList();
                next = articlesToken is null ? Step(generation, ListingsPhase, "") : Step(generation, ArticlesPhase, articlesToken);
                break;
            case ListingsPhase:
                var (monthRows, monthsToken) = await months.PageAsync(token.Length == 0 ? null : token, chunk, ct);
                outputs = [];
                foreach (var (listingKey, month) in monthRows)
                {
                    if (ListingRef.Parse(listingKey) is { } listing)
                    {
                        outputs.Add(new SiteOutput.Front(listing));
                        outputs.Add(new SiteOutput.Month(listing, month));
                    }
                }
                next = monthsToken is null ? Step(generation, SitePhase, "") : Step(generation, ListingsPhase, monthsToken);
                break;
            default:
                outputs = [new SiteOutput.Front(ListingRef.Home), new SiteOutput.NotFound(), new SiteOutput.Robots()];
                next = null;
                break;
        }
        await scheduler.ScheduleAsync(outputs, ct);
        if (next is not null)
        {
            await scheduler.SendAsync(next, TimeSpan.Zero, ct);
        }
        else
        {
            LogFinished(generation);
        }
    }

    private static string Step(long generation, string phase, string token) =>
        StepPrefix + generation.ToString(CultureInfo.InvariantCulture) + "|" + phase + "|" + token;

    [LoggerMessage(Level = LogLevel.Information, Message = "Site-wide sweep {Generation} started")]
    private partial void LogStarted(long generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site-wide sweep {Generation} has marked every page")]
    private partial void LogFinished(long generation);
}
