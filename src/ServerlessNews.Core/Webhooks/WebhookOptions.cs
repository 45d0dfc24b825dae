using System.ComponentModel.DataAnnotations;

namespace ServerlessNews.Webhooks;

public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// One or more <c>whsec_</c> secrets separated by spaces. During rotation both the old and the new
    /// secret are listed; a delivery signed with either is accepted.
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>How far a delivery's timestamp may be from now, either way (replay protection).</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The largest body accepted, in bytes; larger requests get 413. Also the largest inbox file: a larger one is
    /// moved to <c>rejected/</c> without being read.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Publish an accepted article within the webhook request (after it is stored and queued), so the page
    /// is live when the 202 is sent; the queue remains the guarantee. Off: publishing waits for the queue.
    /// </summary>
    public bool PublishInline { get; set; } = true;
}
