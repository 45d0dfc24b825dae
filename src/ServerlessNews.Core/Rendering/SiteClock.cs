using Microsoft.Extensions.Options;

namespace ServerlessNews.Rendering;

/// <summary>
/// The time as pages see it: the start of the current clock period (<see cref="SiteOptions.ClockPeriod"/>, an hour by
/// default). What a page shows that depends on the time (the news sitemap's two-day window, whether an article still
/// takes comments) changes only at a period's start, when the site's timer brings those outputs up to date; so a page
/// rendered at any moment of a period is the same bytes as a clean rebuild in that period.
/// </summary>
public sealed class SiteClock(TimeProvider time, IOptions<SiteOptions> options)
{
    public TimeSpan Period => options.Value.ClockPeriod;

    /// <summary>The start of the current period.</summary>
    public DateTimeOffset Now => PeriodOf(time.GetUtcNow());

    /// <summary>The start of the period <paramref name="at"/> falls in.</summary>
    public DateTimeOffset PeriodOf(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % Period.Ticks, TimeSpan.Zero);

    /// <summary>
    /// Whether an article whose comments close at <paramref name="closesAt"/> shows its comment form in the period
    /// starting <paramref name="period"/>: only if they stay open the whole period (a page never offers a form that
    /// would refuse the comment).
    /// </summary>
    public bool IsOpenThroughout(DateTimeOffset? closesAt, DateTimeOffset period) => closesAt is null || closesAt >= period + Period;
}
