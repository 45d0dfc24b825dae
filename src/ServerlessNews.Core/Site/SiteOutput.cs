using System.Diagnostics.CodeAnalysis;
using ServerlessNews.Articles;
using ServerlessNews.Index;

namespace ServerlessNews.Site;

/// <summary>
/// Something a refresh renders: a small, fixed set of files, so that rendering it costs the same however large the
/// site grows. Its <see cref="Key"/> names it in the pending-refresh marker and the <c>refresh</c> message; the key is
/// formatted and parsed here only.
/// </summary>
public abstract record SiteOutput
{
    /// <summary>"front|section|world", "month|2026-11|tag|transport", "feed|all", "sitemap|2026-11", "newsmap", "article|id".</summary>
    public abstract string Key { get; }

    public sealed override string ToString() => Key;

    /// <summary>A listing's front page (and, for the whole site, the home page, robots.txt and 404.html).</summary>
    public sealed record Front(ListingRef Listing) : SiteOutput
    {
        internal const string Kind = "front";

        public override string Key => Kind + "|" + Listing.Key;
    }

    /// <summary>A listing's archive for one month ("2026-11"), all its pages.</summary>
    public sealed record Month(ListingRef Listing, string YearMonth) : SiteOutput
    {
        internal const string Kind = "month";

        public override string Key => Kind + "|" + YearMonth + "|" + Listing.Key;
    }

    /// <summary>RSS and Atom feeds of the site or of a section.</summary>
    public sealed record Feed(ListingRef Listing) : SiteOutput
    {
        internal const string Kind = "feed";

        public override string Key => Kind + "|" + Listing.Key;
    }

    /// <summary>The sitemap shards of one month and the sitemap index.</summary>
    public sealed record Sitemap(string YearMonth) : SiteOutput
    {
        internal const string Kind = "sitemap";

        public override string Key => Kind + "|" + YearMonth;
    }

    /// <summary>The Google News sitemap.</summary>
    public sealed record NewsSitemap : SiteOutput
    {
        internal const string Kind = "newsmap";

        public override string Key => Kind;
    }

    /// <summary>One article's page, rendered again from its stored document.</summary>
    public sealed record ArticlePage(string ArticleId) : SiteOutput
    {
        internal const string Kind = "article";

        public override string Key => Kind + "|" + ArticleId;
    }

    /// <summary>The output a key names; false for a key that names none (a message that can never succeed).</summary>
    public static bool TryParse(string key, [NotNullWhen(true)] out SiteOutput? output)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        var kind = bar < 0 ? key : key[..bar];
        var rest = bar < 0 ? "" : key[(bar + 1)..];
        output = kind switch
        {
            Front.Kind when ListingRef.Parse(rest) is { } listing => new Front(listing),
            Month.Kind when rest.Length > 8 && rest[7] == '|' && Months.TryParse(rest[..7], out _) && ListingRef.Parse(rest[8..]) is { } listing =>
                new Month(listing, rest[..7]),
            Feed.Kind when ListingRef.Parse(rest) is { HasFeed: true } listing => new Feed(listing),
            Sitemap.Kind when Months.TryParse(rest, out _) => new Sitemap(rest),
            NewsSitemap.Kind when rest.Length == 0 => new NewsSitemap(),
            ArticlePage.Kind when SubmissionParser.IsValidArticleId(rest) => new ArticlePage(rest),
            _ => null,
        };
        return output is not null;
    }
}
