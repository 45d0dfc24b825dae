using System.ComponentModel.DataAnnotations;
using ServerlessNews.Hosting;

namespace ServerlessNews.Moderation;

public enum ModerationMode
{
    /// <summary>A comment no rule decided waits for a moderator.</summary>
    Pre,

    /// <summary>A comment no rule decided appears at once; moderators remove it afterwards.</summary>
    Post,
}

/// <summary>The previously-approved fast path of the moderation pipeline.</summary>
public enum KnownCommenterRule
{
    /// <summary>
    /// A comment whose name (in any case) and email match approved comments is approved, as WordPress does: an
    /// email alone, which anyone who learns it can type, approves nothing.
    /// </summary>
    NameAndEmail,

    /// <summary>No fast path: every comment goes through the other rules and the mode.</summary>
    Off,
}

/// <summary>The moderation pipeline and API (section "Moderation", e.g. <c>Moderation__Key</c>).</summary>
public sealed class ModerationOptions : IValidatableObject
{
    public const string SectionName = "Moderation";

    public const int MinimumKeyLength = 16;

    /// <summary>
    /// The moderation API's key (<see cref="ModerationCredential"/>), sent in <c>x-functions-key</c> or as a bearer
    /// token, on every host. At least <see cref="MinimumKeyLength"/> characters; empty closes the API.
    /// </summary>
    public string Key { get; set; } = "";

    /// <summary>
    /// Secret for the keyed hashes of emails and IP addresses (HMAC-SHA256) and for signing pending-comment
    /// tokens. When empty it is derived from <see cref="Key"/>; then changing the key changes every hash
    /// (a returning commenter is treated as new once, and flood rows start afresh).
    /// </summary>
    public string HashKey { get; set; } = "";

    /// <summary>
    /// Wrong keys one client address may present (console sign-in or API header) before it is refused for a while
    /// (<see cref="KeyAttempts"/>). Default 10; 0 turns the limit off.
    /// </summary>
    [Range(0, 10_000)]
    public int FailedKeyLimit { get; set; } = 10;

    /// <summary>The time in which an address that used up <see cref="FailedKeyLimit"/> gets all its tries back. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedKeyWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Pre-moderation (default) holds what no rule decided; post-moderation approves it.</summary>
    public ModerationMode Mode { get; set; } = ModerationMode.Pre;

    /// <summary>Words or phrases that hold a comment for a moderator, matched on word boundaries, any case.</summary>
    public string[] HoldWords { get; set; } = [];

    /// <summary>Words or phrases that mark a comment as spam, matched on word boundaries, any case.</summary>
    public string[] SpamWords { get; set; } = [];

    /// <summary>The previously-approved fast path: <c>NameAndEmail</c> (default) or <c>Off</c>.</summary>
    public KnownCommenterRule KnownCommenter { get; set; } = KnownCommenterRule.NameAndEmail;

    /// <summary>How many approved comments under the same name and email the fast path needs. Default 1.</summary>
    [Range(1, 100)]
    public int KnownCommenterMinApproved { get; set; } = 1;

    /// <summary>A comment with at least this many links is held. Default 2; 0 turns the rule off.</summary>
    [Range(0, 1000)]
    public int LinkHoldThreshold { get; set; } = 2;

    /// <summary>
    /// The classifier consulted after the word lists: "none" (default) or "http", which posts each comment to
    /// <see cref="ClassifierEndpoint"/> (an adapter for Azure AI Content Safety, Akismet, …).
    /// </summary>
    [RegularExpression("^(none|http)$")]
    public string Classifier { get; set; } = "none";

    /// <summary>For <c>Classifier = http</c>: the URL the comment is posted to as JSON.</summary>
    public string ClassifierEndpoint { get; set; } = "";

    /// <summary>The secret actually used for hashes and tokens.</summary>
    public string EffectiveHashKey => HashKey.Length > 0 ? HashKey : Key.Length > 0 ? "derived:" + Key : "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (setting, value, member) in new[] { ("Moderation__Key", Key, nameof(Key)), ("Moderation__HashKey", HashKey, nameof(HashKey)) })
        {
            if (SecretSetting.UnresolvedKeyVaultReference(setting, value) is { } unresolved)
            {
                yield return new ValidationResult(unresolved, [member]);
            }
        }
        if (Key.Length is > 0 and < MinimumKeyLength)
        {
            yield return new ValidationResult($"Moderation__Key: use at least {MinimumKeyLength} characters (a generated key has 40 or more).", [nameof(Key)]);
        }
        if (EffectiveHashKey.Length == 0)
        {
            yield return new ValidationResult("Set Moderation__HashKey or Moderation__Key: emails and IPs are stored only as keyed hashes.",
                [nameof(HashKey), nameof(Key)]);
        }
        if (Classifier == "http" && !Uri.TryCreate(ClassifierEndpoint, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("Classifier 'http' needs an absolute ClassifierEndpoint.", [nameof(ClassifierEndpoint)]);
        }
    }
}
