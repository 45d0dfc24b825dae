using System.Collections.Concurrent;
using System.Reflection;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Fluid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Storage;

namespace ServerlessNews.Rendering;

/// <summary>
/// Liquid templates by name: a newsroom's override in the <c>templates</c> container wins over the
/// embedded default theme, so the site can be restyled without a redeploy. Parsed templates are cached;
/// a page never renders with a template checked longer than <see cref="SiteOptions.TemplateRefresh"/> ago.
/// Once half of that has passed, the check runs in the background while pages keep rendering with the
/// cached template, so a steady flow of publishes never waits for it; only a page rendered after a quiet
/// spell longer than the whole interval (or with an interval of zero) waits for the check.
/// </summary>
public sealed partial class TemplateStore(
    BlobServiceClient blobs, IOptions<SiteOptions> options, TimeProvider time, ILogger<TemplateStore> logger)
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.TemplatesContainer);

    /// <param name="Checking">A background check of this template is under way.</param>
    private sealed record Cached(IFluidTemplate Template, ETag? ETag, DateTimeOffset CheckedAt, bool Checking = false);

    public async ValueTask<IFluidTemplate> GetAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var refresh = options.Value.TemplateRefresh;
        if (_cache.TryGetValue(name, out var cached) && now - cached.CheckedAt < refresh)
        {
            if (now - cached.CheckedAt >= refresh / 2 && !cached.Checking)
            {
                CheckInBackground(name, cached);
            }
            return cached.Template;
        }
        var fresh = await LoadAsync(name, cached, now, ct);
        _cache[name] = fresh;
        return fresh.Template;
    }

    private void CheckInBackground(string name, Cached cached)
    {
        // Of the renders that find the template due, one starts the check.
        var checking = cached with { Checking = true };
        if (!_cache.TryUpdate(name, checking, cached))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var fresh = await LoadAsync(name, cached, time.GetUtcNow(), CancellationToken.None);
                _cache.TryUpdate(name, fresh, checking);
            }
            catch (Exception e)
            {
                // The next render that finds it due tries again; past the interval, renders check it themselves.
                LogCheckFailed(e, name);
                _cache.TryUpdate(name, cached, checking);
            }
        });
    }

    private async Task<Cached> LoadAsync(string name, Cached? cached, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var conditions = cached?.ETag is { } etag ? new BlobRequestConditions { IfNoneMatch = etag } : null;
            var download = await _container.GetBlobClient(name).DownloadContentAsync(new BlobDownloadOptions { Conditions = conditions }, ct);
            if (download.GetRawResponse().Status == 304 && cached is not null)
            {
                return cached with { CheckedAt = now };
            }
            var source = download.Value.Content.ToString();
            if (Parser.TryParse(source, out var template, out var error))
            {
                return new Cached(new BoundedRanges().VisitTemplate(template), download.Value.Details.ETag, now);
            }
            // A broken override must not take the site down: keep rendering with the default theme.
            LogBadOverride(name, error);
        }
        catch (RequestFailedException e) when (e.Status == 304 && cached is not null)
        {
            return cached with { CheckedAt = now };
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        return new Cached(Embedded(name), null, now);
    }

    /// <summary>
    /// Sets aside an override that failed to render (an error, or past the step limit): the default theme's template
    /// stands in for it until the override changes (a new ETag), so a runaway override costs one render, not every one.
    /// </summary>
    /// <returns>False when <paramref name="failed"/> is the default theme's own template: nothing to fall back to.</returns>
    public bool FallBack(string name, IFluidTemplate failed, Exception exception)
    {
        var embedded = Embedded(name);
        if (ReferenceEquals(failed, embedded))
        {
            return false;
        }
        LogOverrideFailed(exception, name);
        _cache.AddOrUpdate(name, _ => new Cached(embedded, null, time.GetUtcNow()),
            (_, cached) => ReferenceEquals(cached.Template, failed) ? cached with { Template = embedded } : cached);
        return true;
    }

    private static readonly ConcurrentDictionary<string, IFluidTemplate> EmbeddedTemplates = new(StringComparer.Ordinal);

    public static IFluidTemplate Embedded(string name) => EmbeddedTemplates.GetOrAdd(name, static n =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Theme/" + n)
            ?? throw new InvalidOperationException($"The default theme has no template '{n}'.");
        using var reader = new StreamReader(stream);
        return Parser.Parse(reader.ReadToEnd());
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking template {Name} for an override failed; the cached one stays in use")]
    private partial void LogCheckFailed(Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Template override {Name} does not parse, using the default theme: {Error}")]
    private partial void LogBadOverride(string name, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Template override {Name} failed to render, using the default theme's until the override changes")]
    private partial void LogOverrideFailed(Exception exception, string name);
}
