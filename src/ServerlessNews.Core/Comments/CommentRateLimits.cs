using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Comments;

/// <summary>
/// Comments per minute on one article and on the whole site, on this instance, in memory (token buckets: a burst
/// of up to the limit, then the limit's pace). The flood window stops one reader; these stop a
/// crowd of fresh addresses (a botnet, or one IPv6 client) from filling the moderation queue and the table.
/// </summary>
public sealed class CommentRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perArticle;
    private readonly RateLimiter? _site;

    public CommentRateLimits(IOptions<CommentOptions> options)
    {
        var o = options.Value;
        if (o.ArticleRateLimit > 0)
        {
            _perArticle = PartitionedRateLimiter.Create<string, string>(
                articleId => RateLimitPartition.GetTokenBucketLimiter(articleId, _ => PerMinute(o.ArticleRateLimit)), StringComparer.Ordinal);
        }
        if (o.SiteRateLimit > 0)
        {
            _site = new TokenBucketRateLimiter(PerMinute(o.SiteRateLimit));
        }
    }

    /// <summary>Refilled at most once a second (the refill runs on a timer), with as many tokens as a second's share of the limit.</summary>
    private static TokenBucketRateLimiterOptions PerMinute(int limit)
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute / limit));
        return new()
        {
            TokenLimit = limit,
            TokensPerPeriod = Math.Max(1, (int)(limit * period.Ticks / TimeSpan.TicksPerMinute)),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <returns>Null when the comment may be taken; otherwise which limit it met and when to try again.</returns>
    public (string Limit, TimeSpan RetryAfter)? TryAcquire(string articleId)
    {
        if (_perArticle is not null && Refused(_perArticle.AttemptAcquire(articleId)) is { } article)
        {
            return ("this article", article);
        }
        if (_site is not null && Refused(_site.AttemptAcquire()) is { } site)
        {
            return ("the site", site);
        }
        return null;
    }

    private static TimeSpan? Refused(RateLimitLease lease)
    {
        using (lease)
        {
            return lease.IsAcquired ? null
                : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
        }
    }

    public void Dispose()
    {
        _perArticle?.Dispose();
        _site?.Dispose();
    }
}
