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
/// embedded default theme, so the site can be restyled without a redeploy. Parsed templates are cached
/// and the container is checked again at most every <see cref="SiteOptions.TemplateRefresh"/>.
/// </summary>
public sealed partial class TemplateStore(
    BlobServiceClient blobs, IOptions<SiteOptions> options, TimeProvider time, ILogger<TemplateStore> logger)
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.TemplatesContainer);

    private sealed record Cached(IFluidTemplate Template, ETag? ETag, DateTimeOffset CheckedAt);

    public async ValueTask<IFluidTemplate> GetAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && now - cached.CheckedAt < options.Value.TemplateRefresh)
        {
            return cached.Template;
        }
        var fresh = await LoadAsync(name, cached, now, ct);
        _cache[name] = fresh;
        return fresh.Template;
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
                return new Cached(template, download.Value.Details.ETag, now);
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

    private static readonly ConcurrentDictionary<string, IFluidTemplate> EmbeddedTemplates = new(StringComparer.Ordinal);

    public static IFluidTemplate Embedded(string name) => EmbeddedTemplates.GetOrAdd(name, static n =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Theme/" + n)
            ?? throw new InvalidOperationException($"The default theme has no template '{n}'.");
        using var reader = new StreamReader(stream);
        return Parser.Parse(reader.ReadToEnd());
    });

    [LoggerMessage(Level = LogLevel.Error, Message = "Template override {Name} does not parse, using the default theme: {Error}")]
    private partial void LogBadOverride(string name, string error);
}
