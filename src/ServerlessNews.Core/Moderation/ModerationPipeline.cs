using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Index;

namespace ServerlessNews.Moderation;

/// <summary>A decision and what decided it: the rule's name and the evidence it found.</summary>
public sealed record Verdict(string Status, string Rule, string Evidence);

public static class ModerationRules
{
    public const string Article = "article";
    public const string Honeypot = "honeypot";
    public const string Duplicate = "duplicate";
    public const string Flood = "flood";
    public const string Links = "links";
    public const string SpamWords = "spam-words";
    public const string HoldWords = "hold-words";
    public const string Classifier = "classifier";
    public const string KnownCommenter = "known-commenter";
    public const string PreModeration = "pre-moderation";
    public const string PostModeration = "post-moderation";
    public const string Moderator = "moderator";
}

/// <summary>
/// The ordered rules: the first that decides wins, and the verdict records it. The article (still published and
/// open), honeypot, duplicate, flood (across instances), links, spam words, hold words, classifier,
/// previously-approved commenter (the same name and email, <see cref="ModerationOptions.KnownCommenter"/>), then the
/// configured mode.
/// </summary>
public sealed class ModerationPipeline(
    CommentStore store,
    ArticleIndex articles,
    FloodRecord flood,
    ICommentClassifier classifier,
    IOptions<ModerationOptions> options,
    IOptions<CommentOptions> comments)
{
    private ModerationOptions Options => options.Value;

    public async Task<Verdict> DecideAsync(CommentEntity comment, CancellationToken ct)
    {
        if (await ArticleClosedAsync(comment, ct) is { } closed)
        {
            return new(CommentStatus.Rejected, ModerationRules.Article, closed);
        }
        if (comment.HoneypotFilled)
        {
            return new(CommentStatus.Spam, ModerationRules.Honeypot, "The hidden 'homepage' field, which people do not see, was filled in.");
        }
        if (await store.FindEarlierDuplicateAsync(comment, ct) is { } earlier)
        {
            return new(CommentStatus.Rejected, ModerationRules.Duplicate, $"The same commenter posted the same text earlier as comment {earlier.CommentId}.");
        }
        if (await flood.CheckAndClaimAsync(comment, ct) is { } flooded)
        {
            return new(CommentStatus.Held, ModerationRules.Flood, flooded);
        }
        var links = CommentFormatter.CountLinks(comment.Text);
        if (Options.LinkHoldThreshold > 0 && links >= Options.LinkHoldThreshold)
        {
            return new(CommentStatus.Held, ModerationRules.Links, $"The comment has {links} links (threshold {Options.LinkHoldThreshold}).");
        }
        if (FindWord(Options.SpamWords, comment) is { } spam)
        {
            return new(CommentStatus.Spam, ModerationRules.SpamWords, spam);
        }
        if (FindWord(Options.HoldWords, comment) is { } hold)
        {
            return new(CommentStatus.Held, ModerationRules.HoldWords, hold);
        }
        var opinion = await classifier.ClassifyAsync(new ClassifierInput(comment.ArticleId, comment.CommentId, comment.AuthorName, comment.Website, comment.Text), ct);
        if (opinion is { Verdict: "spam" or "hold" })
        {
            return new(opinion.Verdict == "spam" ? CommentStatus.Spam : CommentStatus.Held, ModerationRules.Classifier,
                opinion.Reason ?? $"The classifier answered '{opinion.Verdict}'.");
        }
        if (Options.KnownCommenter == KnownCommenterRule.NameAndEmail &&
            await store.FindApprovedAsync(comment.EmailHash, comment.AuthorName, Options.KnownCommenterMinApproved, ct) is { } approved)
        {
            return new(CommentStatus.Approved, ModerationRules.KnownCommenter, Options.KnownCommenterMinApproved == 1
                ? $"The same name and email have an approved comment ({approved.CommentId} on {approved.ArticleId})."
                : $"The same name and email have {Options.KnownCommenterMinApproved} approved comments (the last counted {approved.CommentId} on {approved.ArticleId}).");
        }
        return Options.Mode == ModerationMode.Post
            ? new(CommentStatus.Approved, ModerationRules.PostModeration, "No rule objected; post-moderation publishes at once.")
            : new(CommentStatus.Held, ModerationRules.PreModeration, "No rule decided; pre-moderation waits for a moderator.");
    }

    /// <summary>
    /// Intake checks the article from a cache of up to <see cref="PublishedArticleCache.Lifetime"/>: an article
    /// killed (or otherwise no longer published) since then takes no comments.
    /// </summary>
    private async Task<string?> ArticleClosedAsync(CommentEntity comment, CancellationToken ct)
    {
        var article = await articles.GetAsync(comment.ArticleId, ct);
        if (article is null)
        {
            return "The article does not exist.";
        }
        if (article.State != ArticleStates.Published)
        {
            return $"The article is {article.State}: it takes no comments.";
        }
        var days = comments.Value.CloseAfterDays;
        return days > 0 && comment.CreatedAt > article.PublishedAt.AddDays(days)
            ? $"Comments on the article closed {days} days after its publication, before this comment was posted."
            : null;
    }

    /// <summary>The first listed word found on word boundaries ("press" does not match "WordPress") in name, website or text.</summary>
    internal static string? FindWord(IEnumerable<string> words, CommentEntity comment)
    {
        foreach (var word in words.Select(w => w.Trim()).Where(w => w.Length > 0))
        {
            var pattern = new Regex(@"(?<![\p{L}\p{N}_])" + Regex.Escape(word) + @"(?![\p{L}\p{N}_])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("name", comment.AuthorName), ("website", comment.Website), ("comment", comment.Text)])
            {
                if (value is not null && pattern.Match(value) is { Success: true } match)
                {
                    return $"Matched '{word}' in {field}: \"{Excerpt(value, match.Index, match.Length)}\".";
                }
            }
        }
        return null;
    }

    private static string Excerpt(string text, int index, int length)
    {
        var start = Math.Max(0, index - 30);
        var end = Math.Min(text.Length, index + length + 30);
        return (start > 0 ? "…" : "") + text[start..end].ReplaceLineEndings(" ") + (end < text.Length ? "…" : "");
    }
}
