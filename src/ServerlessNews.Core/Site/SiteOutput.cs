using System.Diagnostics.CodeAnalysis;
using ServerlessNews.Articles;
using ServerlessNews.Index;

namespace ServerlessNews.Site;

/// <summary>
/// Something a refresh renders: a small, fixed set of files, so that rendering it costs the same however large the
/// site grows (<see cref="SiteRenderers"/> renders each kind, for a refresh, a rebuild and a verify alike), or a piece of
/// refresh work that decides which outputs to render (<see cref="Related"/>, <see cref="Sweep"/>). Its <see cref="Key"/>
/// names it in the pending-refresh marker and the <c>refresh</c> message; the key is formatted and parsed here only.
/// </summary>
public abstract record SiteOutput
{
    /// <summary>
    /// "front|section|world", "month|2026-11|tag|transport", "feed|all", "sitemap|2026-11", "sitemapindex", "newsmap",
    /// "robots", "notfound", "article|id", "related|&lt;row key&gt;|tag|transport", "sweep".
    /// </summary>
    public abstract string Key { get; }

    public sealed override string ToString() => Key;

    /// <summary>A listing's front page and the numbered pages after it (<c>/world/page/2/</c>…, see <see cref="SitePages.RenderFrontAsync"/>).</summary>
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

    /// <summary>RSS and Atom feeds of a listing: the site, a section, a tag or an author.</summary>
    public sealed record Feed(ListingRef Listing) : SiteOutput
    {
        internal const string Kind = "feed";

        public override string Key => Kind + "|" + Listing.Key;
    }

    /// <summary>The sitemap shards of one month.</summary>
    public sealed record Sitemap(string YearMonth) : SiteOutput
    {
        internal const string Kind = "sitemap";

        public override string Key => Kind + "|" + YearMonth;
    }

    /// <summary>The sitemap index, naming every month's shards.</summary>
    public sealed record SitemapIndex : SiteOutput
    {
        internal const string Kind = "sitemapindex";

        public override string Key => Kind;
    }

    /// <summary><c>robots.txt</c>.</summary>
    public sealed record Robots : SiteOutput
    {
        internal const string Kind = "robots";

        public override string Key => Kind;
    }

    /// <summary>The site's 404 page.</summary>
    public sealed record NotFound : SiteOutput
    {
        internal const string Kind = "notfound";

        public override string Key => Kind;
    }

    /// <summary>The Google News sitemap.</summary>
    public sealed record NewsSitemap : SiteOutput
    {
        internal const string Kind = "newsmap";

        public override string Key => Kind;
    }

    /// <summary>One article's address: its page rendered again from its stored document, or its removal notice.</summary>
    public sealed record ArticlePage(string ArticleId) : SiteOutput
    {
        internal const string Kind = "article";

        public override string Key => Kind + "|" + ArticleId;
    }

    /// <summary>
    /// The pages whose related block a change at one position of a section or tag listing may change: the article at
    /// that position and the <see cref="RefreshOptions.RelatedWindow"/> nearest on either side. Each is rendered again
    /// if its block differs from the one it carries.
    /// </summary>
    public sealed record Related(ListingRef Listing, string RowKey) : SiteOutput
    {
        internal const string Kind = "related";

        public override string Key => Kind + "|" + RowKey + "|" + Listing.Key;
    }

    /// <summary>
    /// Every page that embeds what all pages share (the section list, the theme), rendered again in chunks through the
    /// queue; a newer sweep supersedes one under way.
    /// </summary>
    public sealed record Sweep : SiteOutput
    {
        internal const string Kind = "sweep";

        public override string Key => Kind;
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
            Feed.Kind when ListingRef.Parse(rest) is { } listing => new Feed(listing),
            Sitemap.Kind when Months.TryParse(rest, out _) => new Sitemap(rest),
            SitemapIndex.Kind when bar < 0 => new SitemapIndex(),
            NewsSitemap.Kind when bar < 0 => new NewsSitemap(),
            Robots.Kind when bar < 0 => new Robots(),
            NotFound.Kind when bar < 0 => new NotFound(),
            Sweep.Kind when bar < 0 => new Sweep(),
            ArticlePage.Kind when SubmissionParser.IsValidArticleId(rest) => new ArticlePage(rest),
            Related.Kind when ParseRelated(rest) is { } related => related,
            _ => null,
        };
        return output is not null;
    }

    /// <summary>"&lt;inverted ticks&gt;|&lt;id&gt;|&lt;listing key&gt;" of a section or tag listing.</summary>
    private static Related? ParseRelated(string rest)
    {
        var parts = rest.Split('|', 3);
        return parts.Length == 3 && parts[0].Length == 19 && parts[0].All(char.IsAsciiDigit) && SubmissionParser.IsValidArticleId(parts[1]) &&
               ListingRef.Parse(parts[2]) is { Kind: ListingRef.SectionKind or ListingRef.TagKind } listing
            ? new Related(listing, parts[0] + "|" + parts[1])
            : null;
    }
}
