using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Site;

namespace ServerlessNews.Comments;

/// <summary>
/// The pages whose comment form closes at a clock period's start: a page offers its form only while comments stay open
/// through the whole period (<see cref="SiteClock.IsOpenThroughout"/>), so between periods starting <c>from</c> and
/// <c>to</c> the pages of the articles whose comments close in [from + period, to + period) change: one key range of the
/// site's listing, by publish time.
/// </summary>
public sealed class CommentsClosing(ListingIndex listings, SiteClock clock, IOptions<CommentOptions> options) : IClockedOutputs
{
    public async Task<IEnumerable<SiteOutput>> ChangedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (options.Value.CloseAfterDays <= 0)
        {
            return [];
        }
        var open = TimeSpan.FromDays(options.Value.CloseAfterDays);
        // Closing at `at` means published at `at - open`.
        var rows = await listings.RangeAsync(ListingRef.All, from + clock.Period - open, to + clock.Period - open, ct);
        return rows.Select(r => new SiteOutput.ArticlePage(r.ArticleId));
    }
}
