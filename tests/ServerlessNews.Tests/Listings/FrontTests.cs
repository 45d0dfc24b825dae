using System.Globalization;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Index;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Listings;

/// <summary>
/// Home and listing fronts (issue 24, points 2 and 5): the lead story with its image, kickers, summaries and thumbnails,
/// the home page's section blocks at a fixed cost, numbered pages that shift together, tag and author feeds, and the
/// structured data of listing pages.
/// </summary>
public sealed class FrontTests(FrontsFixture site) : IClassFixture<FrontsFixture>
{
    [Fact]
    public async Task The_home_page_leads_with_the_newest_story_and_its_image_then_kickers_summaries_and_thumbnails()
    {
        var home = Html.Parse((await site.WebFileAsync("/"))!);
        var stories = home.QuerySelectorAll("ol.stories > li");
        Assert.Equal(FrontsFixture.Stories.Take(FrontsFixture.PageSize).Select(s => s.Id), ListedIds(home));

        var lead = stories[0];
        Assert.Contains("lead", lead.ClassList);
        Assert.Equal(site.PathOf("lead-story"), lead.QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Equal("Exclusive", lead.QuerySelector(".kicker")!.TextContent);
        Assert.Equal("World", lead.QuerySelector(".story-meta .section")!.TextContent);
        Assert.Equal("Summary of lead-story.", lead.QuerySelector(".summary")!.TextContent);
        Assert.Equal(["image/avif", "image/webp"], lead.QuerySelectorAll("picture source").Select(s => s.GetAttribute("type")));
        var leadImage = lead.QuerySelector("picture img")!;
        Assert.Equal("high", leadImage.GetAttribute("fetchpriority"));
        Assert.Null(leadImage.GetAttribute("loading"));
        Assert.Equal(("1920", "1280"), (leadImage.GetAttribute("width"), leadImage.GetAttribute("height")));
        Assert.Equal("Cars cross the bridge at dawn", leadImage.GetAttribute("alt"));
        Assert.Equal(SitePages.LeadSizes, leadImage.GetAttribute("sizes"));
        // Widths up to the first that covers the lead at twice its size: 1600 of 320…1920.
        Assert.Equal([320, 480, 640, 800, 960, 1280, 1600], Widths(leadImage));
        await AssertFilesExistAsync(lead.QuerySelectorAll("picture source, picture img").SelectMany(SrcSetUrls));

        var thumbnail = stories[1].QuerySelector(".thumb picture img")!;
        Assert.Equal("lazy", thumbnail.GetAttribute("loading"));
        Assert.Null(thumbnail.GetAttribute("fetchpriority"));
        Assert.Equal(SitePages.ThumbnailSizes, thumbnail.GetAttribute("sizes"));
        Assert.Equal([320, 480, 640, 800], Widths(thumbnail));
        Assert.Equal(("1200", "800"), (thumbnail.GetAttribute("width"), thumbnail.GetAttribute("height")));
        Assert.Equal("Analysis", stories[1].QuerySelector(".kicker")!.TextContent);
        await AssertFilesExistAsync(SrcSetUrls(thumbnail));

        // An external image is shown as it is; no image, no thumbnail; no kicker, no label.
        var external = stories[2].QuerySelector(".thumb img")!;
        Assert.Equal("https://images.example.test/arts.jpg", external.GetAttribute("src"));
        Assert.Equal("lazy", external.GetAttribute("loading"));
        Assert.Null(stories[2].QuerySelector(".kicker"));
        Assert.Null(stories[3].QuerySelector(".thumb"));
        Assert.Single(home.QuerySelectorAll("img[fetchpriority=high]"));

        // Shared with the lead story's 16:9 crop.
        Assert.StartsWith(StorageFixture.BaseUrl + "/images/_/fronts/lead-", home.Meta("og:image"), StringComparison.Ordinal);
        Assert.EndsWith("-16x9.jpg", home.Meta("og:image"), StringComparison.Ordinal);
        Assert.Equal(("1200", "675"), (home.Meta("og:image:width"), home.Meta("og:image:height")));
        Assert.Equal("Cars cross the bridge at dawn", home.Meta("og:image:alt"));
        Assert.Equal("summary_large_image", home.Meta("twitter:card"));
    }

    [Fact]
    public async Task The_home_page_has_a_block_of_the_newest_articles_of_each_section_in_the_navigation_order()
    {
        var home = Html.Parse((await site.WebFileAsync("/"))!);
        var blocks = home.QuerySelectorAll(".blocks section.block");
        // Sections by name, the first three of four: Arts, Business, Culture (not World).
        Assert.Equal(["Arts", "Business", "Culture"], blocks.Select(b => b.QuerySelector("h2")!.TextContent));
        Assert.Equal(["/arts/", "/business/", "/culture/"], blocks.Select(b => b.QuerySelector("h2 a")!.GetAttribute("href")));
        foreach (var block in blocks)
        {
            var section = block.QuerySelector("h2")!.TextContent;
            var newest = FrontsFixture.Stories.Where(s => s.Section == section).Take(FrontsFixture.BlockItems).Select(s => site.PathOf(s.Id));
            Assert.Equal(newest, block.QuerySelectorAll("li h3 a").Select(a => a.GetAttribute("href")));
            Assert.Equal(block.GetAttribute("aria-labelledby"), block.QuerySelector("h2")!.Id);
        }
        // The first article of a block shows its image.
        Assert.Equal("https://images.example.test/arts.jpg", blocks[0].QuerySelector("li .thumb img")!.GetAttribute("src"));
        Assert.Equal("lazy", blocks[1].QuerySelector("li .thumb picture img")!.GetAttribute("loading"));
        Assert.Null(blocks[2].QuerySelector(".thumb"));
    }

    [Fact]
    public async Task Rendering_the_home_page_costs_a_fixed_number_of_requests_whatever_its_sections_and_articles()
    {
        var counter = new RequestCounter();
        var settings = site.Settings();
        settings["Site:TemplateRefresh"] = "01:00:00"; // the theme, read once per process, is not the page's cost
        await using var services = site.BuildServices(settings, s => s.AddAzureClients(clients =>
            clients.ConfigureDefaults(options => options.AddPolicy(counter, HttpPipelinePosition.PerCall))));
        var sitePages = services.GetRequiredService<SitePages>();
        var reader = services.GetRequiredService<LiveListingReader>();
        await sitePages.RenderFrontAsync(ListingRef.Home, reader, CancellationToken.None);
        counter.Clear();
        var front = await sitePages.RenderFrontAsync(ListingRef.Home, reader, CancellationToken.None);

        Assert.Equal(["index.html", "page/2/index.html", "page/3/index.html"], front.Files.Select(f => f.Name));
        // The home page's head (which holds the numbered pages' rows too, here), the sections head, the heads of the three
        // sections it shows a block of (a point read each), its months (one query), and the manifests of the two uploads page
        // one shows: not a read per article.
        Assert.Equal(
            ["GET $web/images/fronts/lead.jpg.json", "GET $web/images/fronts/second.jpg.json", .. Enumerable.Repeat("GET listingheads (1 heads)", 5), "GET listings"],
            counter.Requests.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Listing_pages_after_the_first_shift_together_with_rel_links_and_hand_over_to_the_month_archive()
    {
        // Fourteen articles, before everything else on the site: twelve in March 2025, two in February.
        var times = Enumerable.Range(0, 12).Select(i => new DateTimeOffset(2025, 3, 20, 12, 0, 0, TimeSpan.Zero).AddHours(-i))
            .Concat([new DateTimeOffset(2025, 2, 20, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 2, 19, 12, 0, 0, TimeSpan.Zero)])
            .ToArray();
        var ids = times.Select((_, i) => $"paged-{i:D2}").ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            await site.SubmitAsync(Article(ids[i], "Paging Desk", ["Deep Archive"], ["Pat Pager"], times[i]));
        }
        await site.DrainAsync();

        var chain = await FollowNextAsync("/paging-desk/");
        Assert.Equal(["/paging-desk/", "/paging-desk/page/2/", "/paging-desk/page/3/", "/paging-desk/2025/02/"], chain.Select(p => p.Path));
        Assert.Equal(ids.Take(12), chain.Take(3).SelectMany(p => ListedIds(p.Page)));
        Assert.Equal(ids.Skip(12), ListedIds(chain[3].Page));
        for (var i = 1; i < 3; i++)
        {
            var page = chain[i].Page;
            Assert.Equal(chain[i - 1].Path, page.QuerySelector("link[rel=prev]")!.GetAttribute("href"));
            Assert.Equal(chain[i - 1].Path, page.QuerySelector(".pager a[rel=prev]")!.GetAttribute("href"));
            Assert.Equal($"Paging Desk, page {i + 1}", page.QuerySelector("h1")!.TextContent);
            // Past page one: a list, without images or a lead.
            Assert.Null(page.QuerySelector(".thumb, .lead, main.wide"));
            Assert.Equal(StorageFixture.BaseUrl + chain[i].Path, page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        }
        Assert.Null(chain[0].Page.QuerySelector("link[rel=prev]"));
        Assert.Equal("Older: February 2025", chain[2].Page.QuerySelector(".pager a[rel=next]")!.TextContent);
        Assert.Null(await site.WebFileAsync("/paging-desk/page/4/"));
        Assert.Equal(
            [("The Test Times", "/"), ("Paging Desk", "/paging-desk/"), ("Page 2", "/paging-desk/page/2/")],
            Breadcrumbs(chain[1].Page));

        // A new article shifts every page by one, and the last now hands over to March, which holds the one it pushed off.
        await site.SubmitAsync(Article("paged-new", "Paging Desk", ["Deep Archive"], ["Pat Pager"], times[0].AddHours(1)));
        await site.DrainPublishQueueAsync();
        var queued = (await site.Queue(StorageNames.RefreshQueue).PeekMessagesAsync(32)).Value.Select(m => m.MessageText).ToList();
        Assert.Contains("front|section|paging-desk", queued);
        Assert.Equal(16, queued.Count); // the fixed set of a publish, whatever the pages hold (see docs/site-refresh.md)
        await site.DrainRefreshQueueAsync();
        chain = await FollowNextAsync("/paging-desk/");
        Assert.Equal(["/paging-desk/", "/paging-desk/page/2/", "/paging-desk/page/3/", "/paging-desk/2025/03/"], chain.Select(p => p.Path));
        Assert.Equal(ids.Take(11).Prepend("paged-new"), chain.Take(3).SelectMany(p => ListedIds(p.Page)));

        // Kills shorten the run: numbered pages it no longer has are removed.
        foreach (var id in ids.Take(9))
        {
            await site.SubmitAsync(TestArticles.Valid(id, revision: 2).With("status", "killed"));
        }
        await site.DrainAsync();
        chain = await FollowNextAsync("/paging-desk/");
        Assert.Equal(["/paging-desk/", "/paging-desk/page/2/"], chain.Select(p => p.Path));
        Assert.Equal(ids.Skip(9).Prepend("paged-new"), chain.SelectMany(p => ListedIds(p.Page)));
        Assert.Null(await site.WebFileAsync("/paging-desk/page/3/"));
    }

    [Fact]
    public async Task Tag_and_author_pages_link_their_own_RSS_and_Atom_feeds_which_list_their_articles_newest_first()
    {
        var expected = FrontsFixture.Stories.Select(s => StorageFixture.BaseUrl + site.PathOf(s.Id)).ToArray();
        foreach (var (path, title) in new[] { ("/tag/front-tag/", "The Test Times: Articles tagged Front Tag"), ("/author/fran-front/", "The Test Times: Articles by Fran Front") })
        {
            var page = Html.Parse((await site.WebFileAsync(path))!);
            var rss = page.QuerySelector($"link[rel=alternate][type='application/rss+xml'][href='{StorageFixture.BaseUrl}{path}feed.xml']")!;
            Assert.Equal(title + " (RSS)", rss.GetAttribute("title"));
            Assert.NotNull(page.QuerySelector($"link[rel=alternate][type='application/atom+xml'][href='{StorageFixture.BaseUrl}{path}atom.xml']"));
            Assert.Equal([StorageFixture.BaseUrl + path + "feed.xml", StorageFixture.BaseUrl + path + "atom.xml"],
                page.QuerySelectorAll(".feeds a").Select(a => a.GetAttribute("href")));
            foreach (var feedPath in new[] { path + "feed.xml", path + "atom.xml" })
            {
                var feed = LoadFeed((await site.WebFileAsync(feedPath))!);
                Assert.Equal(title, feed.Title.Text);
                Assert.Equal(expected, feed.Items.Select(i => i.Id).Where(expected.Contains));
            }
        }
    }

    [Fact]
    public async Task The_home_page_describes_the_publisher_and_the_site_and_listing_pages_their_place_in_it()
    {
        var home = Html.Parse((await site.WebFileAsync("/"))!);
        var graph = JsonDocument.Parse(home.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement.GetProperty("@graph");
        var organization = graph.EnumerateArray().Single(n => n.GetProperty("@type").GetString() == "Organization");
        var website = graph.EnumerateArray().Single(n => n.GetProperty("@type").GetString() == "WebSite");
        Assert.Equal("The Test Times", organization.GetProperty("name").GetString());
        Assert.Equal(StorageFixture.BaseUrl + "/", organization.GetProperty("url").GetString());
        Assert.Equal(StorageFixture.BaseUrl + "/logo.svg", organization.GetProperty("logo").GetProperty("url").GetString());
        Assert.Equal(StorageFixture.BaseUrl + "/", website.GetProperty("url").GetString());
        Assert.Equal("en", website.GetProperty("inLanguage").GetString());
        Assert.Equal(organization.GetProperty("@id").GetString(), website.GetProperty("publisher").GetProperty("@id").GetString());
        Assert.Empty(Breadcrumbs(home));

        var month = Month(site.Times[0]);
        Assert.Equal([("The Test Times", "/"), ("World", "/world/")], Breadcrumbs(Html.Parse((await site.WebFileAsync("/world/"))!)));
        Assert.Equal([("The Test Times", "/"), ("Articles tagged Front Tag", "/tag/front-tag/")], Breadcrumbs(Html.Parse((await site.WebFileAsync("/tag/front-tag/"))!)));
        Assert.Equal([("The Test Times", "/"), ("World", "/world/"), (Months.Display(month.Replace('/', '-')), $"/world/{month}/")],
            Breadcrumbs(Html.Parse((await site.WebFileAsync($"/world/{month}/"))!)));
        Assert.Equal([("The Test Times", "/"), (Months.Display(month.Replace('/', '-')), $"/archive/{month}/")],
            Breadcrumbs(Html.Parse((await site.WebFileAsync($"/archive/{month}/"))!)));

        // A section front is shared with its lead story's image; one whose lead has none, with the brand's.
        var world = Html.Parse((await site.WebFileAsync("/world/"))!);
        Assert.EndsWith("-16x9.jpg", world.Meta("og:image"), StringComparison.Ordinal);
        Assert.Null(world.QuerySelector(".story-meta .section")); // a section's own page does not repeat its name
        var culture = Html.Parse((await site.WebFileAsync("/culture/"))!);
        Assert.Equal(StorageFixture.BaseUrl + "/social-default.png", culture.Meta("og:image"));
    }

    [Fact]
    public async Task Listing_rows_written_before_kickers_and_images_were_listed_still_render()
    {
        // A row and a head as the index stored them before: no Kicker, ImageUrl or ImageAlt.
        var at = new DateTimeOffset(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var rowKey = ListingEntity.RowKeyFor(at, "old-shape");
        var row = new TableEntity("tag|old-shape", rowKey)
        {
            ["ArticleId"] = "old-shape",
            ["ListingName"] = "Old Shape",
            ["Revision"] = 1L,
            ["Headline"] = "Stored before images",
            ["Summary"] = "An old row.",
            ["Path"] = "/world/2024/06/01/old-shape/",
            ["Section"] = "World",
            ["Authors"] = "[\"Ana Ruiz\"]",
            ["Tags"] = "[\"Old Shape\"]",
            ["PublishedAt"] = at,
        };
        await site.Table(StorageNames.ListingsTable).AddEntityAsync(row);
        var head = $$"""[{"rowKey":"{{rowKey}}","articleId":"old-shape","listingName":"Old Shape","revision":1,"headline":"Stored before images","summary":"An old row.","path":"/world/2024/06/01/old-shape/","section":"World","authors":"[\"Ana Ruiz\"]","tags":"[\"Old Shape\"]","publishedAt":"2024-06-01T09:00:00+00:00","updatedAt":null}]""";
        Assert.True(await site.Get<ListingHeads>().TryWriteAsync("tag|old-shape", head, null, CancellationToken.None));

        await site.Get<SiteRefreshScheduler>().ScheduleAsync([new SiteOutput.Front(ListingRef.Tag("Old Shape")), new SiteOutput.Feed(ListingRef.Tag("Old Shape"))], CancellationToken.None);
        await site.DrainRefreshQueueAsync();

        var page = Html.Parse((await site.WebFileAsync("/tag/old-shape/"))!);
        Assert.Equal(["old-shape"], ListedIds(page));
        Assert.Equal("Articles tagged Old Shape", page.QuerySelector("h1")!.TextContent);
        Assert.Null(page.QuerySelector(".kicker, .thumb"));
        Assert.Equal(StorageFixture.BaseUrl + "/social-default.png", page.Meta("og:image"));
        Assert.Equal("Stored before images", LoadFeed((await site.WebFileAsync("/tag/old-shape/atom.xml"))!).Items.Single().Title.Text);
    }

    private async Task<List<(string Path, IHtmlDocument Page)>> FollowNextAsync(string path)
    {
        var chain = new List<(string, IHtmlDocument)>();
        for (string? next = path; next is not null && chain.Count < 10;)
        {
            var page = Html.Parse((await site.WebFileAsync(next))!);
            chain.Add((next, page));
            var link = page.QuerySelector("link[rel=next]")?.GetAttribute("href");
            Assert.Equal(link, page.QuerySelector(".pager a[rel=next]")?.GetAttribute("href"));
            next = link;
        }
        return chain;
    }

    private static (string Name, string Path)[] Breadcrumbs(IHtmlDocument page) =>
        page.QuerySelectorAll("script[type='application/ld+json']")
            .Select(s => JsonDocument.Parse(s.TextContent).RootElement)
            .Where(ld => ld.TryGetProperty("@type", out var type) && type.GetString() == "BreadcrumbList")
            .SelectMany(ld => ld.GetProperty("itemListElement").EnumerateArray())
            .Select(item => (item.GetProperty("name").GetString()!, new Uri(item.GetProperty("item").GetString()!).AbsolutePath))
            .ToArray();

    private static int[] Widths(IElement img) =>
        img.GetAttribute("srcset")!.Split(", ").Select(c => int.Parse(c.Split(' ')[1].TrimEnd('w'), CultureInfo.InvariantCulture)).ToArray();

    private static IEnumerable<string> SrcSetUrls(IElement element) =>
        element.GetAttribute("srcset")!.Split(", ").Select(c => c.Split(' ')[0]);

    private async Task AssertFilesExistAsync(IEnumerable<string> paths)
    {
        var web = site.Container(StorageNames.WebContainer);
        foreach (var path in paths.Distinct())
        {
            Assert.True(await web.GetBlobClient(path.TrimStart('/')).ExistsAsync(), $"{path} is not in $web");
        }
    }

    /// <summary>Names each storage request by its method and resource (and how many heads a heads query asks for).</summary>
    private sealed class RequestCounter : HttpPipelinePolicy
    {
        private readonly List<string> _requests = [];

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public void Clear()
        {
            lock (_requests)
            {
                _requests.Clear();
            }
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message.Request);
            return ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message.Request);
            ProcessNext(message, pipeline);
        }

        private void Record(Request request)
        {
            var path = Uri.UnescapeDataString(request.Uri.Path);
            // Azurite's paths start with the account name; table queries name the table and a filter.
            var resource = string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1));
            var table = resource.Split('(')[0];
            var query = Uri.UnescapeDataString(request.Uri.Query);
            var name = table == StorageNames.ListingHeadsTable
                ? $"{table} ({(query.Contains("$filter", StringComparison.Ordinal) ? query.Split("RowKey eq").Length - 1 : 1)} heads)"
                : table.StartsWith("listings", StringComparison.Ordinal) ? table : resource;
            lock (_requests)
            {
                _requests.Add($"{request.Method} {name}");
            }
        }
    }
}
