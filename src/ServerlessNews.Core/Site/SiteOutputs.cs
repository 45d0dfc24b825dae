namespace ServerlessNews.Site;

/// <summary>
/// Names of the outputs a refresh renders; each is a dirty-marker row key and a refresh message. One name
/// covers a small, fixed set of files, so rendering it costs the same however large the site grows.
/// </summary>
public static class SiteOutputs
{
    /// <summary>A listing's front page (and, for the whole site, the home page, robots.txt and 404.html).</summary>
    public static string Front(string listingKey) => "front|" + listingKey;

    /// <summary>A listing's archive for one month ("2026-11"), all its pages.</summary>
    public static string Month(string listingKey, string month) => "month|" + month + "|" + listingKey;

    /// <summary>RSS and Atom feeds of the site or of a section.</summary>
    public static string Feed(string listingKey) => "feed|" + listingKey;

    /// <summary>The sitemap shards of one month and the sitemap index.</summary>
    public static string Sitemap(string month) => "sitemap|" + month;

    public const string NewsSitemap = "newsmap";

    /// <summary>One article's page, rendered again from its stored document.</summary>
    public static string Article(string articleId) => "article|" + articleId;
}
