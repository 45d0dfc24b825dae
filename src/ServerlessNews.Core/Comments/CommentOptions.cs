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

    /// <summary>One comment per this window per IP and per email address (429 otherwise). Default 15 s; zero turns it off.</summary>
    public TimeSpan FloodWindow { get; set; } = TimeSpan.FromSeconds(15);

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
    /// Take the client address from the last <c>X-Forwarded-For</c> entry, which the Azure front end appends.
    /// Turn off where no trusted proxy sits in front (the DevServer), or anyone could pick their address.
    /// </summary>
    public bool TrustForwardedFor { get; set; } = true;

    /// <summary>How long the "awaiting moderation" link handed to an author stays valid. Default 1 hour.</summary>
    public TimeSpan PendingTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
