using Microsoft.Extensions.Options;

namespace ServerlessNews.Comments;

/// <summary>
/// One comment per window per IP and per email, on this instance, in memory: the request path answers 429 without
/// a storage round trip. Across instances the moderation pipeline's flood rule holds what slipped through on
/// another instance. Memory stays bounded: entries older than the window are swept once
/// per window, and past <see cref="MaxEntries"/> new keys are let through unrecorded (the pipeline still sees them).
/// </summary>
public sealed class FloodGate(IOptions<CommentOptions> options)
{
    public const int MaxEntries = 200_000;

    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private long _sweptAt;

    private static string IpKey(string ipHash) => "ip|" + ipHash;

    /// <summary>
    /// Claims the window for both keys, or neither, at <paramref name="at"/>: the comment's own time, which the
    /// moderation pipeline's flood rule compares, so that both see the same gap between two comments.
    /// </summary>
    /// <returns>False when either key commented within the window.</returns>
    public bool TryClaim(string ipHash, string emailHash, DateTimeOffset at)
    {
        var window = options.Value.FloodWindow;
        if (window <= TimeSpan.Zero)
        {
            return true;
        }
        var now = at.UtcTicks;
        var ipKey = IpKey(ipHash);
        lock (_last)
        {
            if (now - _sweptAt >= window.Ticks)
            {
                Sweep(now - window.Ticks);
                _sweptAt = now;
            }
            if (Within(ipKey) || Within(emailHash))
            {
                return false;
            }
            if (_last.Count + 2 <= MaxEntries)
            {
                _last[ipKey] = now;
                _last[emailHash] = now;
            }
            return true;
        }

        bool Within(string key) => _last.TryGetValue(key, out var last) && Math.Abs(now - last) < window.Ticks;
    }

    /// <summary>Gives a claim back when the comment could not be stored, so that the reader's retry is not refused.</summary>
    public void Release(string ipHash, string emailHash, DateTimeOffset claimedAt)
    {
        lock (_last)
        {
            foreach (var key in (ReadOnlySpan<string>)[IpKey(ipHash), emailHash])
            {
                if (_last.TryGetValue(key, out var last) && last == claimedAt.UtcTicks)
                {
                    _last.Remove(key);
                }
            }
        }
    }

    private void Sweep(long before)
    {
        foreach (var (key, last) in _last)
        {
            if (last < before)
            {
                _last.Remove(key); // allowed while enumerating a Dictionary since .NET Core 3.0
            }
        }
    }
}
