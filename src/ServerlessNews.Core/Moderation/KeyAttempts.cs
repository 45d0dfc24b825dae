using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Moderation;

/// <summary>
/// Wrong moderation keys per client address, on this instance, in memory: after <see cref="ModerationOptions.FailedKeyLimit"/>
/// of them the address is refused, even with the right key, and gets one more try each
/// <see cref="ModerationOptions.FailedKeyWindow"/> ÷ limit. A key of 16 random characters cannot be guessed anyway; this
/// stops a script from trying a weak key's neighbours at the console's sign-in or in the API's header.
/// </summary>
public sealed class KeyAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _failures;
    private readonly TimeSpan _period;

    public KeyAttempts(IOptions<ModerationOptions> options)
    {
        var o = options.Value;
        _period = o.FailedKeyLimit > 0 ? o.FailedKeyWindow / o.FailedKeyLimit : TimeSpan.Zero;
        if (o.FailedKeyLimit > 0)
        {
            _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new()
            {
                TokenLimit = o.FailedKeyLimit,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = _period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }), StringComparer.Ordinal);
        }
    }

    /// <returns>When the address may try again, if it used up its wrong keys; null while it may try.</returns>
    public TimeSpan? Blocked(string address) =>
        _failures?.GetStatistics(address) is { CurrentAvailablePermits: <= 0 } ? _period : null;

    /// <summary>Counts a wrong key from the address.</summary>
    public void Failed(string address) => _failures?.AttemptAcquire(address).Dispose();

    public void Dispose() => _failures?.Dispose();
}
