using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>Outputs whose render depends on the clock period (<see cref="SiteClock"/>).</summary>
public interface IClockedOutputs
{
    /// <summary>The outputs rendered differently in the period starting <paramref name="to"/> than in the one starting <paramref name="from"/>, or any between.</summary>
    Task<IEnumerable<SiteOutput>> ChangedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

/// <summary>
/// What no publish triggers, run by the site's timer (<see cref="Schedule"/>): each is idempotent and decided from a
/// row of <see cref="SiteState"/>, so that any instance may run it, and a run missed is made up by the next.
/// <list type="bullet">
/// <item>A new clock period (<see cref="SiteClock"/>): the outputs whose render changes with it (<see cref="IClockedOutputs"/>:
/// the news sitemap, the pages whose comments closed).</item>
/// <item>A changed theme (an override added, changed or removed in <c>templates</c>): a site-wide sweep.</item>
/// <item>Refresh markers whose message was lost: queued again.</item>
/// </list>
/// </summary>
public sealed partial class SiteMaintenance(
    SiteState state, SiteClock clock, IEnumerable<IClockedOutputs> clocked, SiteRefreshScheduler scheduler, BlobServiceClient blobs,
    IOptions<RefreshOptions> refresh, ILogger<SiteMaintenance> logger)
{
    /// <summary>Every five minutes (NCRONTAB with seconds): a theme change reaches every page within minutes.</summary>
    public const string Schedule = "0 */5 * * * *";

    public async Task RunAsync(CancellationToken ct)
    {
        await AdvanceClockAsync(ct);
        await CheckThemeAsync(ct);
        await RequeueStaleAsync(ct);
    }

    /// <summary>Brings the outputs that show the time up to the current period, once per period.</summary>
    public async Task AdvanceClockAsync(CancellationToken ct)
    {
        var now = clock.Now;
        var stored = await state.ReadAsync(SiteState.ClockKey, ct);
        var last = stored.Value is { } value ? DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : now - clock.Period;
        if (last >= now)
        {
            return;
        }
        var outputs = new List<SiteOutput>();
        foreach (var source in clocked)
        {
            outputs.AddRange(await source.ChangedAsync(last, now, ct));
        }
        await scheduler.ScheduleAsync(outputs, ct);
        if (await state.TryWriteAsync(SiteState.ClockKey, now.ToString("O", CultureInfo.InvariantCulture), stored, ct))
        {
            LogClock(now, outputs.Count);
        }
    }

    /// <summary>The clock period the site's outputs were last brought up to (null: never).</summary>
    public async Task<DateTimeOffset?> ClockAsync(CancellationToken ct) =>
        (await state.ReadAsync(SiteState.ClockKey, ct)).Value is { } value
            ? DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;

    /// <summary>Starts a sweep when the theme overrides differ from those the site was last rendered with.</summary>
    public async Task CheckThemeAsync(CancellationToken ct)
    {
        var fingerprint = await ThemeFingerprintAsync(ct);
        var stored = await state.ReadAsync(SiteState.ThemeKey, ct);
        if (stored.Value == fingerprint)
        {
            return;
        }
        // Also on the first check (nothing recorded): pages rendered before may show another theme, or an older version's pages.
        await scheduler.ScheduleAsync([new SiteOutput.Sweep()], ct);
        await state.TryWriteAsync(SiteState.ThemeKey, fingerprint, stored, ct);
        LogThemeChanged();
    }

    /// <summary>
    /// Records that every page was rendered with the theme <paramref name="fingerprint"/> identifies (read before the
    /// render began): after a rebuild the timer has no sweep to make. A theme changed during the rebuild differs from
    /// it, so the timer still sweeps for that change.
    /// </summary>
    public async Task RecordThemeAsync(string fingerprint, CancellationToken ct)
    {
        var stored = await state.ReadAsync(SiteState.ThemeKey, ct);
        if (stored.Value != fingerprint)
        {
            await state.TryWriteAsync(SiteState.ThemeKey, fingerprint, stored, ct);
        }
    }

    /// <summary>The overrides in <c>templates</c>: names and ETags, hashed (one list call).</summary>
    public async Task<string> ThemeFingerprintAsync(CancellationToken ct)
    {
        var text = new StringBuilder();
        await foreach (var blob in blobs.GetBlobContainerClient(StorageNames.TemplatesContainer).GetBlobsAsync(cancellationToken: ct))
        {
            text.Append(blob.Name).Append(' ').Append(blob.Properties.ETag).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Queues again the refresh of every marker whose message was lost.</summary>
    public async Task RequeueStaleAsync(CancellationToken ct)
    {
        if (await scheduler.RequeuePendingAsync(refresh.Value.StaleMarkerAfter, ct) is var requeued and > 0)
        {
            LogRequeued(requeued);
        }
    }

    /// <summary>The news sitemap's window moves with every period.</summary>
    public sealed class NewsWindow : IClockedOutputs
    {
        public Task<IEnumerable<SiteOutput>> ChangedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
            Task.FromResult<IEnumerable<SiteOutput>>([new SiteOutput.NewsSitemap()]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Clock period {Period}: {Outputs} outputs scheduled")]
    private partial void LogClock(DateTimeOffset period, int outputs);

    [LoggerMessage(Level = LogLevel.Information, Message = "The theme is not the one the pages were rendered with: a site-wide sweep was scheduled")]
    private partial void LogThemeChanged();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued again {Count} refreshes whose messages were lost")]
    private partial void LogRequeued(int count);
}
