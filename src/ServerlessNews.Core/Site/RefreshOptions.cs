using System.ComponentModel.DataAnnotations;

namespace ServerlessNews.Site;

/// <summary>How derived pages (listings, feeds, sitemaps) are refreshed and how much they show.</summary>
public sealed class RefreshOptions
{
    public const string SectionName = "Refresh";

    /// <summary>How long a refresh waits before it renders: every publish in that window shares one render.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A pending marker this old is assumed to have lost its message, and is queued again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StaleMarkerAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Articles on a listing's front page (home, section, tag, author).</summary>
    [Range(1, 200)]
    public int FrontPageSize { get; set; } = 20;

    /// <summary>
    /// Pages of a listing numbered from its newest (the front page, then <c>/page/2/</c>…): they shift with every new
    /// article, so a publish renders all of them again; older articles are in the month archives.
    /// </summary>
    [Range(1, 20)]
    public int FrontPages { get; set; } = 5;

    /// <summary>Sections with a block of their newest articles on the home page, in the navigation's order.</summary>
    [Range(0, 24)]
    public int HomeSectionBlocks { get; set; } = 8;

    /// <summary>Articles in each section block of the home page (a listing head holds 25).</summary>
    [Range(1, 25)]
    public int HomeSectionItems { get; set; } = 4;

    /// <summary>Articles per page of a month archive.</summary>
    [Range(1, 1000)]
    public int ArchivePageSize { get; set; } = 50;

    [Range(1, 500)]
    public int FeedItems { get; set; } = 50;

    /// <summary>The sitemap protocol allows at most 50,000 URLs per file.</summary>
    [Range(1, 50_000)]
    public int SitemapShardSize { get; set; } = 50_000;

    /// <summary>Google News takes articles of the last two days, at most 1,000 per sitemap.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "7.00:00:00")]
    public TimeSpan NewsWindow { get; set; } = TimeSpan.FromDays(2);

    [Range(1, 1000)]
    public int NewsMaxUrls { get; set; } = 1000;

    /// <summary>Articles in a page's "Related Articles" block.</summary>
    [Range(1, 20)]
    public int RelatedCount { get; set; } = 5;

    /// <summary>
    /// How far related candidates reach: an article's candidates are the articles this many positions either side of
    /// it in its section and in each of its first tags (docs/related-articles.md), so a change to one article reaches
    /// only the pages within this many positions of it.
    /// </summary>
    [Range(1, 12)]
    public int RelatedWindow { get; set; } = 10;

    /// <summary>What each tag an article shares with the page adds to its relevance.</summary>
    [Range(0, 100)]
    public int RelatedTagWeight { get; set; } = 3;

    /// <summary>What being in the page's section adds to an article's relevance.</summary>
    [Range(0, 100)]
    public int RelatedSectionWeight { get; set; } = 1;

    /// <summary>Outputs one message of a site-wide sweep schedules (the sweep renders every page after a change to what all share).</summary>
    [Range(1, 1000)]
    public int SweepChunk { get; set; } = 100;
}
