using System.Collections.Concurrent;
using System.Diagnostics;

namespace ServerlessNews.Bench;

/// <summary>
/// The files this process (the DevServer's, in process) writes into <c>$web</c> while it records: what one publish costs
/// the site in outputs, its own page and every follow-up (listings, feeds, sitemaps, the pages whose related block it
/// enters), read from the Azure SDK's HTTP activities (a PUT of a blob, not of its metadata).
/// </summary>
public sealed class SiteWrites : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _lastWrite = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;
    private readonly long _origin = Stopwatch.GetTimestamp();

    public SiteWrites()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Azure.Core.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Distinct files written since the recording began.</summary>
    public int Files => _lastWrite.Count;

    /// <summary>From the start of the recording to the end of its last write.</summary>
    public double LastWriteMs => _lastWrite.IsEmpty ? 0 : Stopwatch.GetElapsedTime(_origin, _lastWrite.Values.Max()).TotalMilliseconds;

    private void Record(Activity activity)
    {
        string? method = null, url = null;
        foreach (var (key, value) in activity.TagObjects)
        {
            switch (key)
            {
                case "http.request.method" or "http.method":
                    method = value as string;
                    break;
                case "url.full" or "http.url":
                    url = value as string;
                    break;
            }
        }
        if (method == "PUT" && url is not null && !url.Contains("comp=", StringComparison.Ordinal) && WebBlob(url) is { } name)
        {
            _lastWrite[name] = Stopwatch.GetTimestamp();
        }
    }

    private static string? WebBlob(string url)
    {
        var path = new Uri(url).AbsolutePath;
        foreach (var container in (ReadOnlySpan<string>)["/$web/", "/%24web/"])
        {
            if (path.IndexOf(container, StringComparison.OrdinalIgnoreCase) is var at and >= 0)
            {
                return path[(at + container.Length)..];
            }
        }
        return null;
    }

    public void Dispose() => _listener.Dispose();
}
