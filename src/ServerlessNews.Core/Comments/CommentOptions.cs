using System.ComponentModel.DataAnnotations;

namespace ServerlessNews.Comments;

/// <summary>Reader comments (section "Comments", e.g. <c>Comments__CloseAfterDays</c>).</summary>
public sealed class CommentOptions
{
    public const string SectionName = "Comments";

    /// <summary>Longest comment text accepted, in characters. Default 8,000.</summary>
    [Range(1, 65_536)]
    public int MaxLength { get; set; } = 8000;

    /// <summary>Days after publication during which an article takes comments; 0 keeps them open. Default 14.</summary>
    [Range(0, 36_500)]
    public int CloseAfterDays { get; set; } = 14;

    /// <summary>How deep replies nest; a comment at this depth shows no reply link. Default 5.</summary>
    [Range(1, 20)]
    public int MaxDepth { get; set; } = 5;

    /// <summary>
    /// One comment per this window per client address (an IPv6 /64, an IPv4 address) and per email address (429
    /// otherwise). Default 15 s; zero turns it off.
    /// </summary>
    public TimeSpan FloodWindow { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Comments per minute on one article that one instance takes (429 beyond, with Retry-After). Default 120, far
    /// above what readers post on a busy story; 0 turns it off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int ArticleRateLimit { get; set; } = 120;

    /// <summary>Comments per minute on the whole site that one instance takes (429 beyond). Default 1,200; 0 turns it off.</summary>
    [Range(0, 1_000_000)]
    public int SiteRateLimit { get; set; } = 1200;

    /// <summary>
    /// Origins allowed to post (the <c>Origin</c> header of browsers). Empty means the origin of
    /// <c>Site:BaseUrl</c> only. Requests without an Origin header (non-browser clients) are not refused for it.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Where the page's form posts to, when the API is not served from the site's own origin
    /// (in Azure: the Function App's URL). Empty means <c>Site:BaseUrl</c>.
    /// </summary>
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>
    /// Take the client address from the last <c>X-Forwarded-For</c> entry: the hop just before the app, which the
    /// Azure front end appends (entries before it are whatever the client sent). Behind another proxy of your own
    /// (Front Door routing the API, a gateway), the last entry is that proxy's view; it must append, not pass the
    /// header through. Turn off where no trusted proxy sits in front (the DevServer), or anyone could pick their address.
    /// </summary>
    public bool TrustForwardedFor { get; set; } = true;

    /// <summary>How long the "awaiting moderation" link handed to an author stays valid. Default 1 hour.</summary>
    public TimeSpan PendingTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
