using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Site;

/// <summary>
/// The one registry of what the site is made of: every kind of output, how it renders, and (from a snapshot of the
/// index) which outputs a clean build of the site has. A refresh, a rebuild and a verify all render through it, so
/// that what one writes the others would write byte for byte.
/// </summary>
public sealed class SiteRenderers(SitePages pages, FeedWriter feeds, SitemapWriter sitemaps, ArticlePages articlePages)
{
    /// <summary>Renders an output other than an article's address.</summary>
    public async Task<RenderedOutput> RenderAsync(SiteOutput output, SiteRenderContext context, CancellationToken ct) => output switch
    {
        SiteOutput.Front front => await pages.RenderFrontAsync(front.Listing, context.Listings, ct),
        SiteOutput.Month month => await pages.RenderMonthAsync(month.Listing, month.YearMonth, context.Listings, ct),
        SiteOutput.Feed feed => await feeds.RenderAsync(feed.Listing, context.Listings, ct),
        SiteOutput.Sitemap sitemap => await sitemaps.RenderMonthAsync(sitemap.YearMonth, context.Listings, ct),
        SiteOutput.SitemapIndex => await sitemaps.RenderIndexAsync(context.Listings, ct),
        SiteOutput.NewsSitemap => await sitemaps.RenderNewsAsync(context.Listings, context.AsOf, ct),
        SiteOutput.Robots => await sitemaps.RenderRobotsAsync(context.Listings, ct),
        SiteOutput.NotFound => await pages.RenderNotFoundAsync(context.Listings, ct),
        _ => throw new InvalidOperationException($"{output} is not rendered to files of its own."),
    };

    /// <summary>
    /// An article's address as a clean build writes it: a published article's page (from its document), a killed one's
    /// removal notice; null for any other.
    /// </summary>
    public async Task<SiteFile?> RenderArticleAsync(ArticleEntity article, ArticleDocument? document, RenderScope scope, CancellationToken ct) =>
        article.State switch
        {
            ArticleStates.Published when document is not null => ArticlePages.PageFile(document, await articlePages.RenderAsync(document, scope, ct), scope),
            ArticleStates.Killed when article.Path.Length > 0 => await articlePages.NoticeFileAsync(article.Path, article.Revision, scope, ct),
            _ => null,
        };

    /// <summary>Every output a clean build of the site has besides its articles' addresses.</summary>
    public static IEnumerable<SiteOutput> ListingOutputs(ListingSnapshot snapshot)
    {
        yield return new SiteOutput.Front(ListingRef.Home);
        yield return new SiteOutput.Feed(ListingRef.Home);
        yield return new SiteOutput.SitemapIndex();
        yield return new SiteOutput.NewsSitemap();
        yield return new SiteOutput.Robots();
        yield return new SiteOutput.NotFound();
        foreach (var key in snapshot.ListingKeys.Order(StringComparer.Ordinal))
        {
            if (ListingRef.Parse(key) is not { } listing)
            {
                continue;
            }
            if (listing.Kind != ListingRef.All)
            {
                yield return new SiteOutput.Front(listing);
                yield return new SiteOutput.Feed(listing);
            }
            foreach (var month in snapshot.Rows(key).Select(r => Months.Of(r.PublishedAt)).Distinct(StringComparer.Ordinal))
            {
                yield return new SiteOutput.Month(listing, month);
                if (listing.Kind == ListingRef.All)
                {
                    yield return new SiteOutput.Sitemap(month);
                }
            }
        }
    }

    /// <summary>
    /// Whether an output's render depends on the clock period (see <see cref="SiteClock"/>): the news sitemap, and an
    /// article page while its comments may close.
    /// </summary>
    public static bool DependsOnTheClock(string blobName) =>
        blobName == SitemapWriter.NewsPath.TrimStart('/') || blobName.EndsWith("/index.html", StringComparison.Ordinal);
}
