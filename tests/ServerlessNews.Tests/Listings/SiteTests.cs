using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using ServerlessNews.Index;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Listings;

/// <summary>Listing pages, feeds, sitemaps, related articles and the article lifecycle, against Azurite.</summary>
public sealed class SiteTests(SiteFixture storage) : IClassFixture<SiteFixture>
{
    private DateTimeOffset Now => Seconds(storage.Clock.GetUtcNow());

    [Fact]
    public async Task Published_articles_appear_newest_first_in_every_listing_feed_and_sitemap()
    {
        var ids = new[] { "sci-one", "sci-two", "sci-three" };
        var times = ids.Select((_, i) => Now.AddSeconds(-30 + i)).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            await storage.SubmitAsync(Article(ids[i], "Science", ["Space", "Mars"], ["Mae Jemison", "Carl Sagan"], times[i]));
        }
        await storage.DrainAsync();
        var newestFirst = ids.Reverse().ToArray();
        var urls = ids.Select((id, i) => StorageFixture.BaseUrl + PathOf(id, "Science", times[i])).ToArray();

        var listingPaths = new[]
        {
            "/", "/science/", "/tag/space/", "/tag/mars/", "/author/mae-jemison/", "/author/carl-sagan/",
            $"/science/{Month(times[0])}/", $"/archive/{Month(times[0])}/", $"/tag/space/{Month(times[0])}/", $"/author/carl-sagan/{Month(times[0])}/",
        };
        foreach (var path in listingPaths)
        {
            var html = await storage.WebFileAsync(path);
            Assert.True(html is not null, $"{path} was not written");
            var page = Html.Parse(html);
            Assert.Equal(newestFirst, ListedIds(page).Where(ids.Contains));
            Assert.Contains("Science", page.QuerySelectorAll("nav[aria-label=Sections] a").Select(a => a.TextContent));
            Assert.Equal(StorageFixture.BaseUrl + "/feed.xml", page.QuerySelector("link[rel=alternate][type='application/rss+xml']")!.GetAttribute("href"));
            Assert.Equal(StorageFixture.BaseUrl + "/atom.xml", page.QuerySelector("link[rel=alternate][type='application/atom+xml']")!.GetAttribute("href"));
        }
        var section = Html.Parse((await storage.WebFileAsync("/science/"))!);
        Assert.Equal("Science", section.QuerySelector("h1")!.TextContent);
        Assert.Contains(StorageFixture.BaseUrl + "/science/feed.xml", section.QuerySelectorAll("link[rel=alternate]").Select(l => l.GetAttribute("href")));
        Assert.Contains($"/science/{Month(times[0])}/", section.QuerySelectorAll(".archive a").Select(a => a.GetAttribute("href")));
        var article = Html.Parse((await storage.PageAsync(PathOf("sci-one", "Science", times[0])))!);
        Assert.Contains("Science", article.QuerySelectorAll("nav[aria-label=Sections] a").Select(a => a.TextContent));
        Assert.Contains(StorageFixture.BaseUrl + "/science/atom.xml", article.QuerySelectorAll("link[rel=alternate]").Select(l => l.GetAttribute("href")));

        foreach (var feedPath in new[] { "/science/feed.xml", "/science/atom.xml", "/feed.xml", "/atom.xml" })
        {
            var feed = LoadFeed((await storage.WebFileAsync(feedPath))!);
            var items = feed.Items.Where(item => urls.Contains(item.Id)).ToList();
            Assert.Equal(urls.Reverse(), items.Select(item => item.Id));
            for (var i = 0; i < items.Count; i++)
            {
                var n = ids.Length - 1 - i;
                Assert.Equal("Headline of " + ids[n], items[i].Title.Text);
                Assert.Equal("Summary of " + ids[n] + ".", items[i].Summary.Text);
                Assert.Equal(urls[n], items[i].Links[0].Uri.AbsoluteUri);
                Assert.Equal(times[n], items[i].PublishDate);
                Assert.Equal(["Science", "Space", "Mars"], items[i].Categories.Select(c => c.Name));
                if (feedPath.EndsWith("atom.xml", StringComparison.Ordinal))
                {
                    Assert.Equal(times[n], items[i].LastUpdatedTime);
                    Assert.Equal(["Mae Jemison", "Carl Sagan"], items[i].Authors.Select(a => a.Name));
                }
            }
        }

        var sitemapUrls = await SitemapUrlsAsync(storage);
        Assert.All(urls, url => Assert.Contains(url, sitemapUrls));
        Assert.Equal(sitemapUrls.Count, sitemapUrls.Distinct().Count());
        var index = XDocument.Parse((await storage.WebFileAsync("/sitemap.xml"))!);
        Assert.True(index.Root!.Elements(SitemapNs + "sitemap").Count() >= 2, "three articles in shards of two make at least two shards");

        var news = XDocument.Parse((await storage.WebFileAsync("/news-sitemap.xml"))!);
        var entries = news.Root!.Elements(SitemapNs + "url").ToDictionary(u => u.Element(SitemapNs + "loc")!.Value, u => u.Element(NewsNs + "news")!);
        foreach (var (url, i) in urls.Select((u, i) => (u, i)))
        {
            var entry = entries[url];
            Assert.Equal("The Test Times", entry.Element(NewsNs + "publication")!.Element(NewsNs + "name")!.Value);
            Assert.Equal("en", entry.Element(NewsNs + "publication")!.Element(NewsNs + "language")!.Value);
            Assert.Equal("Headline of " + ids[i], entry.Element(NewsNs + "title")!.Value);
            Assert.Equal(times[i], DateTimeOffset.Parse(entry.Element(NewsNs + "publication_date")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var robots = (await storage.WebFileAsync("/robots.txt"))!;
        Assert.Contains("Sitemap: " + StorageFixture.BaseUrl + "/sitemap.xml\n", robots, StringComparison.Ordinal);
        Assert.Contains("Sitemap: " + StorageFixture.BaseUrl + "/news-sitemap.xml\n", robots, StringComparison.Ordinal);
        var notFound = Html.Parse((await storage.WebFileAsync("/404.html"))!);
        Assert.Equal("Page not found", notFound.QuerySelector("h1")!.TextContent);
        Assert.Contains("Science", notFound.QuerySelectorAll("nav[aria-label=Sections] a").Select(a => a.TextContent));
    }

    [Fact]
    public async Task A_burst_of_publishes_into_one_section_renders_its_page_far_fewer_times()
    {
        const int n = 30;
        var refresher = storage.Get<SiteRefresher>();
        var sectionPage = new SiteOutput.Front(ListingRef.Section("Burst"));
        var times = Enumerable.Range(0, n).Select(i => Now.AddSeconds(-100 + i)).ToArray();
        // The section's first article, and its month's, make the front page render again once more each (the
        // section list and the archive links it shows): not what a burst costs.
        await storage.SubmitAsync(Article("burst-first", "Burst", ["Surge"], ["Ana Ruiz"], times[0].AddSeconds(-1)));
        await storage.DrainAsync();
        var before = refresher.RenderCount(sectionPage);
        for (var i = 0; i < n; i++)
        {
            await storage.SubmitAsync(Article($"burst-{i:D2}", "Burst", ["Surge"], ["Ana Ruiz"], times[i]));
            await storage.DrainPublishQueueAsync(); // each publish handled as it arrives
            if (i % 10 == 9)
            {
                await storage.DrainRefreshQueueAsync(); // refreshes fire during the burst, as their delay runs out
            }
        }
        await storage.DrainRefreshQueueAsync();

        var renders = refresher.RenderCount(sectionPage) - before;
        Assert.InRange(renders, 1, n / 10);
        var front = ListedIds(Html.Parse((await storage.WebFileAsync("/burst/"))!));
        Assert.Equal(Enumerable.Range(n - 20, 20).Reverse().Select(i => $"burst-{i:D2}"), front);
        // The month archive holds all of them, newest first, over pages that link to each other.
        var month = $"/burst/{Month(times[^1])}/";
        var archive = new List<string>();
        var pagePaths = new List<string> { month };
        for (var path = month; path is not null;)
        {
            var page = Html.Parse((await storage.WebFileAsync(path))!);
            var listed = ListedIds(page);
            Assert.InRange(listed.Length, 1, SiteFixture.ArchivePageSize);
            archive.AddRange(listed);
            path = page.QuerySelectorAll(".pager a").FirstOrDefault(a => a.TextContent == "Older page")?.GetAttribute("href");
            if (path is not null)
            {
                pagePaths.Add(path);
            }
        }
        var inMonth = Enumerable.Range(0, n).Where(i => Month(times[i]) == Month(times[^1])).Reverse().Select(i => $"burst-{i:D2}")
            .Concat(Month(times[0].AddSeconds(-1)) == Month(times[^1]) ? ["burst-first"] : []);
        Assert.Equal(inMonth, archive);
        // Numbered from the oldest page, so that a new article changes only the archive's own (newest) page.
        var pages = (inMonth.Count() + SiteFixture.ArchivePageSize - 1) / SiteFixture.ArchivePageSize;
        Assert.Equal([month, .. Enumerable.Range(1, pages - 1).Reverse().Select(n => $"{month}page/{n}/")], pagePaths);
    }

    [Fact]
    public async Task A_new_article_rewrites_only_the_newest_page_of_its_month_archive()
    {
        var size = SiteFixture.ArchivePageSize;
        var first = Now.AddSeconds(-200);
        first = Month(first) == Month(Now) ? first : new DateTimeOffset(Now.Year, Now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i <= size; i++)
        {
            await storage.SubmitAsync(Article($"steady-{i:D2}", "Steady", [], ["Ana Ruiz"], first.AddSeconds(i)));
        }
        await storage.DrainAsync();
        var month = $"/steady/{Month(first)}/";
        var oldest = await storage.PagePropertiesAsync(month + "page/1/");
        Assert.Equal([$"steady-{size:D2}"], ListedIds(Html.Parse((await storage.WebFileAsync(month))!)));

        await storage.SubmitAsync(Article("steady-new", "Steady", [], ["Ana Ruiz"], first.AddSeconds(size + 1)));
        await storage.DrainAsync();

        // The full page keeps its bytes and its ETag (a CDN keeps it cached); the archive's own page takes the new article.
        Assert.Equal(oldest.ETag, (await storage.PagePropertiesAsync(month + "page/1/")).ETag);
        var newest = Html.Parse((await storage.WebFileAsync(month))!);
        Assert.Equal(["steady-new", $"steady-{size:D2}"], ListedIds(newest));
        Assert.Equal(month + "page/1/", newest.QuerySelectorAll(".pager a").Single(a => a.TextContent == "Older page").GetAttribute("href"));
        var page1 = Html.Parse((await storage.WebFileAsync(month + "page/1/"))!);
        Assert.Equal(Enumerable.Range(0, size).Reverse().Select(i => $"steady-{i:D2}"), ListedIds(page1));
        Assert.Equal(month, page1.QuerySelectorAll(".pager a").Single(a => a.TextContent == "Newer page").GetAttribute("href"));
        Assert.Null(await storage.WebFileAsync(month + "page/2/"));
    }

    [Fact]
    public async Task One_publish_schedules_a_fixed_set_of_outputs_whatever_the_site_holds()
    {
        await storage.DrainAsync();
        var at = Now.AddSeconds(-5);
        var month = Month(at).Replace('/', '-');
        await storage.SubmitAsync(Article("solo", "Solo", ["Lone"], ["Sam Solo"], at));
        await storage.DrainPublishQueueAsync();

        var queued = (await storage.Queue(StorageNames.RefreshQueue).PeekMessagesAsync(32)).Value.Select(m => m.MessageText).Order(StringComparer.Ordinal);
        // The pages of the listings it entered, their feeds and months, the sitemaps, and the related-block checks
        // around its position in its section and its tag (its own page among them).
        var position = ListingEntity.RowKeyFor(at, "solo");
        string[] expected =
        [
            "feed|all", "feed|author|sam-solo", "feed|section|solo", "feed|tag|lone", "front|all", "front|author|sam-solo", "front|section|solo", "front|tag|lone",
            $"month|{month}|all", $"month|{month}|author|sam-solo", $"month|{month}|section|solo", $"month|{month}|tag|lone",
            "newsmap", $"related|{position}|section|solo", $"related|{position}|tag|lone", $"sitemap|{month}",
        ];
        Assert.Equal(expected, queued);
        await storage.DrainRefreshQueueAsync();
    }

    [Fact]
    public async Task A_killed_article_leaves_every_output_it_appeared_in()
    {
        var doomedAt = Now.AddSeconds(-60);
        var survivorAt = Now.AddSeconds(-30);
        await storage.SubmitAsync(Article("doomed", "Doom", ["Fate"], ["Cass Andra"], doomedAt));
        await storage.DrainAsync();
        await storage.SubmitAsync(Article("survivor", "Doom", ["Fate"], ["Cass Andra"], survivorAt));
        await storage.DrainAsync();
        var doomedPath = PathOf("doomed", "Doom", doomedAt);
        var survivorPath = PathOf("survivor", "Doom", survivorAt);
        string[] outputs =
        [
            "/", "/doom/", "/tag/fate/", "/author/cass-andra/", $"/doom/{Month(doomedAt)}/", $"/archive/{Month(doomedAt)}/",
            $"/tag/fate/{Month(doomedAt)}/", $"/author/cass-andra/{Month(doomedAt)}/",
            "/feed.xml", "/atom.xml", "/doom/feed.xml", "/doom/atom.xml", "/news-sitemap.xml", survivorPath,
        ];
        foreach (var output in outputs)
        {
            Assert.Contains(doomedPath, (await storage.WebFileAsync(output))!, StringComparison.Ordinal);
        }
        Assert.Contains(StorageFixture.BaseUrl + doomedPath, await SitemapUrlsAsync(storage));
        Assert.Contains("doomed", await ListedAsync("section=doom"));

        await storage.SubmitAsync(TestArticles.Valid("doomed", revision: 2).With("status", "killed"));
        await storage.DrainAsync();

        foreach (var output in outputs)
        {
            Assert.DoesNotContain(doomedPath, (await storage.WebFileAsync(output))!, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(StorageFixture.BaseUrl + doomedPath, await SitemapUrlsAsync(storage));
        Assert.DoesNotContain("doomed", await ListedAsync("section=doom"));
        Assert.DoesNotContain("doomed", await ListedAsync("tag=fate"));
        Assert.DoesNotContain("doomed", await ListedAsync(""));
        Assert.Contains("survivor", ListedIds(Html.Parse((await storage.WebFileAsync("/doom/"))!)));

        var notice = Html.Parse((await storage.PageAsync(doomedPath))!);
        Assert.Equal("This article has been removed", notice.QuerySelector("h1")!.TextContent);
        Assert.Equal("noindex", notice.Meta("robots"));
        Assert.Empty(notice.QuerySelectorAll("script[type='application/ld+json']"));
        Assert.Equal("killed", (await storage.StatusAsync("doomed")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_correction_updates_the_page_json_ld_listings_and_feed_entries()
    {
        var at = Now.AddSeconds(-120);
        var fixedAt = Now.AddSeconds(-10);
        await storage.SubmitAsync(Article("corrected", "Amends", ["Errata"], ["Ana Ruiz"], at));
        await storage.DrainAsync();
        var stamp = fixedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await storage.SubmitAsync(Article("corrected", "Amends", ["Errata"], ["Ana Ruiz"], at, revision: 2)
            .With("headline", "Corrected headline")
            .With("updatedAt", stamp)
            .With("corrections", new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["at"] = stamp, ["text"] = "An earlier version misspelt the name." })));
        await storage.DrainAsync();

        var page = Html.Parse((await storage.PageAsync(PathOf("corrected", "Amends", at)))!);
        Assert.Equal(stamp, page.QuerySelector(".updated time")!.GetAttribute("datetime"));
        Assert.Contains("misspelt the name", page.QuerySelector(".corrections")!.TextContent, StringComparison.Ordinal);
        var ld = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal(stamp, ld.GetProperty("dateModified").GetString());
        Assert.Equal("An earlier version misspelt the name.", ld.GetProperty("correction")[0].GetProperty("text").GetString());

        var section = Html.Parse((await storage.WebFileAsync("/amends/"))!);
        Assert.Equal("Corrected headline", section.QuerySelector(".listing h2 a")!.TextContent);
        Assert.Equal(stamp, section.QuerySelectorAll(".listing li")[0].QuerySelectorAll("time")[1].GetAttribute("datetime"));
        var url = StorageFixture.BaseUrl + PathOf("corrected", "Amends", at);
        foreach (var feedPath in new[] { "/amends/atom.xml", "/atom.xml" })
        {
            var item = LoadFeed((await storage.WebFileAsync(feedPath))!).Items.Single(i => i.Id == url);
            Assert.Equal("Corrected headline", item.Title.Text);
            Assert.Equal(fixedAt, item.LastUpdatedTime);
            Assert.Equal(at, item.PublishDate);
        }
        var rss = LoadFeed((await storage.WebFileAsync("/amends/feed.xml"))!).Items.Single(i => i.Id == url);
        Assert.Equal("Corrected headline", rss.Title.Text);
    }

    [Fact]
    public async Task An_embargoed_article_is_nothing_public_until_its_time_then_its_held_message_publishes_it_even_after_a_restart()
    {
        // The test clock follows real time from here (queue delays are real), never going back.
        var start = storage.Clock.GetUtcNow() > DateTimeOffset.UtcNow ? storage.Clock.GetUtcNow() : DateTimeOffset.UtcNow;
        storage.Clock.SetUtcNow(start);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var publishedAt = Now.AddSeconds(-5);
        var lifts = start.AddSeconds(2);
        await storage.SubmitAsync(Article("under-embargo", "Secrets", ["Hush"], ["Ana Ruiz"], publishedAt)
            .With("status", "embargoed")
            .With("embargoedUntil", lifts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        await storage.DrainAsync();

        var path = PathOf("under-embargo", "Secrets", publishedAt);
        Assert.Null(await storage.PageAsync(path));
        Assert.Null(await storage.WebFileAsync("/secrets/"));
        Assert.DoesNotContain(path, (await storage.WebFileAsync("/feed.xml")) ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(path, (await storage.WebFileAsync("/news-sitemap.xml")) ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("under-embargo", await ListedAsync("section=secrets"));
        Assert.Equal("embargoed", (await storage.StatusAsync("under-embargo")).GetProperty("state").GetString());
        // Nor is it related to anything published meanwhile.
        var siblingAt = Now.AddSeconds(-4);
        await storage.SubmitAsync(Article("embargo-sibling", "Secrets", ["Hush"], ["Ana Ruiz"], siblingAt));
        await storage.DrainAsync();
        Assert.DoesNotContain("under-embargo", (await storage.PageAsync(PathOf("embargo-sibling", "Secrets", siblingAt)))!, StringComparison.Ordinal);
        Assert.DoesNotContain("under-embargo", ListedIds(Html.Parse((await storage.WebFileAsync("/secrets/"))!)));

        // A host started afresh (new services, same storage) publishes it when the held message reappears.
        await using var restarted = storage.BuildServices();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (await storage.PageAsync(path) is null)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the embargoed article was not published at its time");
            storage.Clock.SetUtcNow(start + elapsed.Elapsed);
            await storage.DrainPublishQueueAsync(restarted);
            await Task.Delay(200);
        }
        await storage.DrainRefreshQueueAsync();
        Assert.True(elapsed.Elapsed >= TimeSpan.FromSeconds(2), "published before the embargo lifted");
        Assert.Contains("under-embargo", ListedIds(Html.Parse((await storage.WebFileAsync("/secrets/"))!)));
        Assert.Contains(path, (await storage.WebFileAsync("/feed.xml"))!, StringComparison.Ordinal);
        Assert.Equal("published", (await storage.StatusAsync("under-embargo")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_edit_that_moves_an_article_takes_it_off_the_listings_it_left()
    {
        var at = Now.AddSeconds(-200);
        await storage.SubmitAsync(Article("mover", "Before", ["Old Tag"], ["Ana Ruiz"], at));
        await storage.DrainAsync();
        Assert.Contains("mover", ListedIds(Html.Parse((await storage.WebFileAsync("/tag/old-tag/"))!)));

        await storage.SubmitAsync(Article("mover", "After", ["New Tag"], ["Tom Becker"], at, revision: 2));
        await storage.DrainAsync();

        foreach (var left in new[] { "/before/", "/tag/old-tag/", "/author/ana-ruiz/", $"/before/{Month(at)}/" })
        {
            Assert.DoesNotContain("mover", ListedIds(Html.Parse((await storage.WebFileAsync(left))!)));
        }
        // Not the home page: other tests in this class publish newer articles that may push it off the front.
        foreach (var entered in new[] { "/after/", "/tag/new-tag/", "/author/tom-becker/", $"/after/{Month(at)}/" })
        {
            Assert.Contains("mover", ListedIds(Html.Parse((await storage.WebFileAsync(entered))!)));
        }
        Assert.DoesNotContain("mover", await ListedAsync("section=before"));
        Assert.DoesNotContain("mover", await ListedAsync("tag=old-tag"));
        Assert.Contains("mover", await ListedAsync("author=tom-becker"));
    }

    [Fact]
    public async Task A_pending_marker_whose_message_was_lost_is_queued_again_once_stale()
    {
        await storage.SubmitAsync(Article("lost-message", "Losses", ["Lost message"], ["Ana Ruiz"], Now.AddSeconds(-3)));
        await storage.DrainAsync();
        await storage.Container(StorageNames.WebContainer).DeleteBlobAsync("tag/lost-message/index.html");
        var scheduler = storage.Get<SiteRefreshScheduler>();
        var queue = storage.Queue(StorageNames.RefreshQueue);
        SiteOutput output = new SiteOutput.Front(ListingRef.Tag("lost-message"));
        await scheduler.ScheduleAsync([output], CancellationToken.None);
        await queue.ClearMessagesAsync(); // the message is lost; the marker stays

        await scheduler.ScheduleAsync([output], CancellationToken.None);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);

        storage.Clock.Advance(TimeSpan.FromMinutes(11));
        await scheduler.ScheduleAsync([output], CancellationToken.None);
        Assert.Equal(["front|tag|lost-message"], (await queue.PeekMessagesAsync(32)).Value.Select(m => m.MessageText));
        await storage.DrainRefreshQueueAsync();
        Assert.NotNull(await storage.WebFileAsync("/tag/lost-message/"));

        // The same without a later change to it: the site's timer finds the stale marker and queues it again.
        await storage.Container(StorageNames.WebContainer).DeleteBlobAsync("tag/lost-message/index.html");
        await scheduler.ScheduleAsync([output], CancellationToken.None);
        await queue.ClearMessagesAsync();
        await storage.Get<SiteMaintenance>().RequeueStaleAsync(CancellationToken.None);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        storage.Clock.Advance(TimeSpan.FromMinutes(11));
        await storage.Get<SiteMaintenance>().RequeueStaleAsync(CancellationToken.None);
        await storage.DrainRefreshQueueAsync();
        Assert.NotNull(await storage.WebFileAsync("/tag/lost-message/"));
        Assert.False(await storage.Get<RefreshMarkers>().AnyPendingAsync(CancellationToken.None));
    }

    private async Task<string[]> ListedAsync(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query + "&pageSize=100");
        var result = await storage.Get<ListArticlesHandler>().HandleAsync(context.Request, CancellationToken.None);
        var listing = (ArticleListing)result.GetType().GetProperty("Value")!.GetValue(result)!;
        return listing.Items.Select(i => i.Id).ToArray();
    }
}
