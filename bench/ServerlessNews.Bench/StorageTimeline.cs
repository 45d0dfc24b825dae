using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ServerlessNews.Bench;

/// <summary>
/// Where one operation's time goes: every storage call (the Azure SDK's client activities) and the HTTP
/// request, with start and end relative to the start of the recording, printed as a timeline on stderr.
/// </summary>
public sealed class StorageTimeline : IDisposable
{
    private readonly ConcurrentQueue<(string Name, TimeSpan Start, TimeSpan Duration)> _spans = new();
    private readonly ActivityListener _listener;
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Call before any Azure SDK client exists: the SDK reads the switch once.</summary>
    public static void EnableSdkActivities() => AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);

    public StorageTimeline()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Azure.", StringComparison.Ordinal) && source.Name != "Azure.Core.Http"
                || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => _spans.Enqueue((
                activity.DisplayName,
                Stopwatch.GetElapsedTime(_origin, Stopwatch.GetTimestamp() - (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency)),
                activity.Duration)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The spans recorded so far, by start.</summary>
    public void Print(TextWriter writer, string title)
    {
        writer.WriteLine(title);
        foreach (var (name, start, duration) in _spans.OrderBy(s => s.Start))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {start.TotalMilliseconds,7:0.0} → {(start + duration).TotalMilliseconds,7:0.0} ms  {duration.TotalMilliseconds,6:0.0}  {name}"));
        }
    }
}
