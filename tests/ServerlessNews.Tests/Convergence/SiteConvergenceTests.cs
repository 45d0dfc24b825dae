using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Index;
using ServerlessNews.Operations;
using ServerlessNews.Rendering;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Convergence;

/// <summary>
/// What keeps the live site equal to a clean rebuild: the outputs every page shares, the months and sections that
/// come and go, what the clock changes, and the operator commands that prove it (<c>verify</c>) or restore it (<c>rebuild</c>).
/// </summary>
public sealed class SiteConvergenceTests(ConvergenceFixture site) : IClassFixture<ConvergenceFixture>
{
    private DateTimeOffset Now => Seconds(site.Clock.GetUtcNow());

    private static string[] SectionLinks(string html) =>
        Html.Parse(html).QuerySelectorAll("nav[aria-label=Sections] a").Select(a => a.GetAttribute("href")!).ToArray();

    [Fact]
    public async Task A_new_section_reaches_the_header_of_every_page_and_goes_with_its_last_article()
    {
        await site.ResetAsync();
        var at = Now.AddHours(-5);
        await site.SubmitAsync(Article("old-story", "World", ["Rain"], ["Ana Ruiz"], at));
        await site.SubmitAsync(Article("killed-story", "World", [], ["Ana Ruiz"], at.AddMinutes(1)));
        await site.UntilQuietAsync();
        await site.SubmitAsync(TestArticles.Valid("killed-story", 2).With("status", "killed"));
        await site.UntilQuietAsync();
        string[] pages = [PathOf("old-story", "World", at), PathOf("killed-story", "World", at.AddMinutes(1)), "/", "/world/", "/tag/rain/",
            $"/world/{Month(at)}/", "/404.html"];
        foreach (var page in pages)
        {
            Assert.Equal(["/world/"], SectionLinks((await site.WebFileAsync(page))!));
        }

        // An article in a new section: every page, old ones and the removal notice included, lists it.
        await site.SubmitAsync(Article("arts-story", "Arts", [], ["Tom Becker"], at.AddHours(1)));
        await site.UntilQuietAsync();
        foreach (var page in pages.Append("/arts/"))
        {
            Assert.Equal(["/arts/", "/world/"], SectionLinks((await site.WebFileAsync(page))!));
        }

        // Its only article killed: the section leaves every header, and its pages go.
        await site.SubmitAsync(TestArticles.Valid("arts-story", 2).With("status", "killed"));
        await site.UntilQuietAsync();
        foreach (var page in pages)
        {
            Assert.Equal(["/world/"], SectionLinks((await site.WebFileAsync(page))!));
        }
        Assert.Null(await site.WebFileAsync("/arts/"));
        Assert.Null(await site.WebFileAsync("/arts/feed.xml"));
        Assert.Null(await site.WebFileAsync($"/arts/{Month(at.AddHours(1))}/"));
        Assert.Empty(await site.VerifyAsync());
    }

    [Fact]
    public async Task An_archive_month_left_without_articles_is_removed_and_no_longer_linked()
    {
        await site.ResetAsync();
        var recent = Now.AddHours(-1);
        var lastMonth = new DateTimeOffset(recent.Year, recent.Month, 1, 8, 0, 0, TimeSpan.Zero).AddMonths(-1);
        await site.SubmitAsync(Article("month-old", "World", [], ["Cass Andra"], lastMonth));
        await site.SubmitAsync(Article("month-new", "World", [], ["Cass Andra"], recent));
        await site.UntilQuietAsync();
        var oldArchive = $"/author/cass-andra/{Month(lastMonth)}/";
        Assert.NotNull(await site.WebFileAsync(oldArchive));
        Assert.Contains(oldArchive, Archive((await site.WebFileAsync("/author/cass-andra/"))!));
        Assert.Contains(oldArchive, Pager((await site.WebFileAsync($"/author/cass-andra/{Month(recent)}/"))!));

        await site.SubmitAsync(TestArticles.Valid("month-old", 2).With("status", "killed"));
        await site.UntilQuietAsync();

        Assert.Null(await site.WebFileAsync(oldArchive));
        Assert.DoesNotContain(oldArchive, Archive((await site.WebFileAsync("/author/cass-andra/"))!));
        Assert.DoesNotContain(oldArchive, Pager((await site.WebFileAsync($"/author/cass-andra/{Month(recent)}/"))!));
        Assert.Null(await site.WebFileAsync($"/archive/{Month(lastMonth)}/"));
        Assert.Empty(await site.VerifyAsync());
    }

    private static string[] Archive(string html) => Html.Parse(html).QuerySelectorAll(".archive a").Select(a => a.GetAttribute("href")!).ToArray();

    private static string[] Pager(string html) => Html.Parse(html).QuerySelectorAll(".pager a").Select(a => a.GetAttribute("href")!).ToArray();

    [Fact]
    public async Task On_a_quiet_site_the_timer_drops_old_news_and_closes_comment_forms_at_the_period_they_change()
    {
        await site.ResetAsync();
        var clock = site.Get<SiteClock>();
        var period = clock.Now;
        // In the news window now, out of it two periods on; its comments (open a day) closed long ago.
        var at = period - TimeSpan.FromDays(2) + TimeSpan.FromHours(1);
        await site.SubmitAsync(Article("aging-story", "World", [], ["Ana Ruiz"], at));
        await site.UntilQuietAsync();
        var url = StorageFixture.BaseUrl + PathOf("aging-story", "World", at);
        Assert.Contains(url, NewsUrls((await site.WebFileAsync("/news-sitemap.xml"))!));
        var path = PathOf("aging-story", "World", at);
        Assert.Equal("Comments are closed.", Html.Parse((await site.PageAsync(path))!).QuerySelector(".comments-closed")?.TextContent);

        var fresh = Now.AddMinutes(-1);
        await site.SubmitAsync(Article("fresh-story", "World", [], ["Ana Ruiz"], fresh));
        await site.UntilQuietAsync();
        var freshPath = PathOf("fresh-story", "World", fresh);
        Assert.NotNull(Html.Parse((await site.PageAsync(freshPath))!).QuerySelector("form.comment-form"));

        // Two periods on, nothing published: until the timer runs, verify accepts the outputs of the period before…
        site.Clock.Advance(2 * clock.Period);
        Assert.Empty(await site.VerifyAsync());
        Assert.Contains(url, NewsUrls((await site.WebFileAsync("/news-sitemap.xml"))!));
        // …and the timer brings them to this one.
        await site.UntilQuietAsync();
        Assert.DoesNotContain(url, NewsUrls((await site.WebFileAsync("/news-sitemap.xml"))!));
        Assert.Empty(await site.VerifyAsync());

        // A day on, the fresh story's form is gone from its page.
        site.Clock.Advance(TimeSpan.FromDays(1));
        await site.UntilQuietAsync();
        Assert.Null(Html.Parse((await site.PageAsync(freshPath))!).QuerySelector("form.comment-form"));
        Assert.Empty(await site.VerifyAsync());
    }

    private static string[] NewsUrls(string xml) =>
        XDocument.Parse(xml).Root!.Elements(SitemapNs + "url").Select(u => u.Element(SitemapNs + "loc")!.Value).ToArray();

    [Fact]
    public async Task A_theme_override_reaches_every_page_through_the_timer_and_its_removal_too()
    {
        await site.ResetAsync();
        var at = Now.AddHours(-3);
        await site.SubmitAsync(Article("themed-a", "World", ["Sun"], ["Ana Ruiz"], at));
        await site.SubmitAsync(Article("themed-b", "Sport", ["Sun"], ["Tom Becker"], at.AddMinutes(5)));
        await site.SubmitAsync(Article("themed-gone", "Sport", [], ["Tom Becker"], at.AddMinutes(6)));
        await site.UntilQuietAsync();
        await site.SubmitAsync(TestArticles.Valid("themed-gone", 2).With("status", "killed"));
        await site.UntilQuietAsync();
        var htmlPages = await HtmlBlobsAsync();
        Assert.True(htmlPages.Count > 10, string.Join(", ", htmlPages));

        var templates = site.Container(StorageNames.TemplatesContainer);
        using (var reader = new StreamReader(typeof(TemplateStore).Assembly.GetManifestResourceStream("Theme/layout.liquid")!))
        {
            var layout = (await reader.ReadToEndAsync()).Replace("</body>", "<p class=\"new-brand\">Brand</p>\n</body>", StringComparison.Ordinal);
            await templates.GetBlobClient("layout.liquid").UploadAsync(BinaryData.FromString(layout), overwrite: true);
        }
        await site.UntilQuietAsync();
        foreach (var name in htmlPages)
        {
            Assert.Contains("class=\"new-brand\"", (await site.Container(StorageNames.WebContainer).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString(),
                StringComparison.Ordinal);
        }
        Assert.Empty(await site.VerifyAsync());

        await templates.DeleteBlobAsync("layout.liquid");
        await site.UntilQuietAsync();
        foreach (var name in htmlPages)
        {
            Assert.DoesNotContain("new-brand", (await site.Container(StorageNames.WebContainer).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString(),
                StringComparison.Ordinal);
        }
        Assert.Empty(await site.VerifyAsync());
    }

    private async Task<List<string>> HtmlBlobsAsync()
    {
        var names = new List<string>();
        await foreach (var blob in site.Container(StorageNames.WebContainer).GetBlobsAsync())
        {
            if (blob.Name.EndsWith(".html", StringComparison.Ordinal))
            {
                names.Add(blob.Name);
            }
        }
        return names;
    }

    [Fact]
    public async Task Verify_reports_every_difference_with_exit_code_1_and_rebuild_restores_every_output_kind()
    {
        await site.ResetAsync();
        var at = Now.AddHours(-4);
        await site.SubmitAsync(Article("verified-a", "World", ["Fog"], ["Ana Ruiz"], at));
        await site.SubmitAsync(Article("verified-b", "World", ["Fog"], ["Li Wei"], at.AddMinutes(1)));
        await site.SubmitAsync(Article("verified-c", "Sport", [], ["Li Wei"], at.AddMinutes(2)));
        await site.SubmitAsync(Article("verified-d", "Sport", [], ["Li Wei"], at.AddMinutes(3)));
        await site.UntilQuietAsync();
        await site.SubmitAsync(TestArticles.Valid("verified-d", 2).With("status", "killed"));
        await site.UntilQuietAsync();
        // Files other writers own are not outputs: the default brand files, an uploaded image's copy and renditions.
        var web = site.Container(StorageNames.WebContainer);
        Assert.NotEmpty(await site.Get<BrandAssets>().EnsureWrittenAsync(CancellationToken.None));
        await web.UploadBlobAsync("images/harbour.jpg", BinaryData.FromString("jpeg"));
        await web.UploadBlobAsync("images/_/harbour-3f9a2c1b7d4e-640.webp", BinaryData.FromString("webp"));
        var (exit, output) = await CommandAsync("verify");
        Assert.True(exit == 0, output);
        Assert.Contains("The site equals a clean build of its index.", output, StringComparison.Ordinal);

        // A listing page changed, the home page gone, a page no output writes.
        var front = web.GetBlobClient("world/index.html");
        var original = (await front.DownloadContentAsync()).Value.Content.ToString();
        await front.UploadAsync(BinaryData.FromString(original.Replace("Latest", "Lately", StringComparison.Ordinal).Replace("verified-b", "verified-x", StringComparison.Ordinal)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = SitePages.HtmlType, CacheControl = SitePages.ListingCacheControl } });
        await web.DeleteBlobAsync("index.html");
        await web.UploadBlobAsync("world/2020/01/01/stray/index.html", BinaryData.FromString("<p>stray</p>"));

        (exit, output) = await CommandAsync("verify");
        Assert.True(exit == 1, output);
        Assert.Contains("missing /index.html", output, StringComparison.Ordinal);
        Assert.Contains("extra /world/2020/01/01/stray/index.html", output, StringComparison.Ordinal);
        Assert.Matches(@"different /world/index\.html: line \d+, column \d+: expected '.*verified-b.*', found '.*verified-x.*'", output);
        Assert.Contains("3 difference(s) from a clean build of the index.", output, StringComparison.Ordinal);

        // Everything gone: the rebuild writes every kind of output again.
        await foreach (var blob in web.GetBlobsAsync())
        {
            await web.DeleteBlobAsync(blob.Name);
        }
        (exit, output) = await CommandAsync("rebuild");
        Assert.True(exit == 0, output);
        string[] kinds =
        [
            PathOf("verified-a", "World", at), PathOf("verified-d", "Sport", at.AddMinutes(3)), "/", "/world/", "/tag/fog/", "/author/li-wei/",
            $"/world/{Month(at)}/", $"/archive/{Month(at)}/", "/feed.xml", "/atom.xml", "/sport/feed.xml", "/sitemap.xml", $"/sitemaps/{Month(at).Replace('/', '-')}.xml",
            "/news-sitemap.xml", "/robots.txt", "/404.html",
        ];
        foreach (var path in kinds)
        {
            Assert.True(await site.WebFileAsync(path) is not null, $"{path} was not rebuilt");
        }
        Assert.Contains("This article has been removed", (await site.PageAsync(PathOf("verified-d", "Sport", at.AddMinutes(3))))!, StringComparison.Ordinal);
        (exit, output) = await CommandAsync("verify");
        Assert.True(exit == 0, output);
    }

    /// <summary>Runs an operator command as a separate process against this site, with its settings.</summary>
    private async Task<(int Exit, string Output)> CommandAsync(string command)
    {
        var environment = site.Settings().Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        using var process = await DevServerProcess.StartAsync(environment, command);
        var exit = await process.WaitForExitAsync();
        return (exit, process.Output());
    }

    [Fact]
    public async Task Work_that_fails_part_way_is_retried_to_completion_and_the_site_still_converges()
    {
        await site.ResetAsync();
        // One storage write in 25 fails, half of them after the service applied it (the answer was lost).
        var faults = new FaultyWrites(new Random(25), failOneIn: 25);
        await using var faulty = site.BuildServices(configure: services => services.AddAzureClients(clients =>
            clients.ConfigureDefaults(options => options.AddPolicy(faults, HttpPipelinePosition.PerRetry))));
        var at = Now.AddHours(-6);
        for (var i = 0; i < 6; i++)
        {
            await site.SubmitAsync(Article($"faulty-{i}", i % 2 == 0 ? "World" : "Faults", [$"Tag {i % 3}"], ["Ana Ruiz"], at.AddMinutes(i)));
        }
        await site.SubmitAsync(Article("faulty-1", "World", ["Tag 2"], ["Li Wei"], at.AddMinutes(1), revision: 2));
        await site.SubmitAsync(TestArticles.Valid("faulty-4", 2).With("status", "killed"));

        var failures = 0;
        for (var round = 0; round < 100 && (round == 0 || !await site.IsQuietAsync()); round++)
        {
            try
            {
                await faulty.GetRequiredService<SiteMaintenance>().RunAsync(CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                failures++; // the timer runs again
            }
            failures += await site.HandleRetryingAsync(faulty, StorageNames.PublishQueue);
            failures += await site.HandleRetryingAsync(faulty, StorageNames.RefreshQueue);
            // A refresh whose message was lost waits for its marker to go stale; the timer then queues it again.
            site.Clock.Advance(TimeSpan.FromMinutes(11));
        }

        Assert.True(await site.IsQuietAsync(), "not quiet after 100 rounds");
        Assert.True(failures > 0, "no fault was injected");
        Assert.Empty(await site.VerifyAsync());
    }

    /// <summary>Fails some writes to storage, before or after the service applied them.</summary>
    private sealed class FaultyWrites(Random random, int failOneIn) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var fail = message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head && Next() == 0;
            if (fail && Next() % 2 == 0)
            {
                throw new RequestFailedException(503, "Injected before the request was sent.");
            }
            await ProcessNextAsync(message, pipeline);
            if (fail)
            {
                throw new RequestFailedException(503, "Injected after the request was applied.");
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        private int Next()
        {
            lock (random)
            {
                return random.Next(failOneIn);
            }
        }
    }

    [Fact]
    public async Task A_change_after_a_render_died_is_queued_again_once_the_claim_is_a_minute_old_not_when_the_message_returns()
    {
        await site.ResetAsync();
        var scheduler = site.Get<SiteRefreshScheduler>();
        var refresh = site.Queue(StorageNames.RefreshQueue);
        SiteOutput feed = new SiteOutput.Feed(ListingRef.Home);
        await scheduler.ScheduleAsync([feed], CancellationToken.None);
        // A host takes the message, claims the render and dies: the queue holds the message for its lease (minutes).
        var taken = (await refresh.ReceiveMessagesAsync(1, visibilityTimeout: TimeSpan.FromMinutes(10))).Value.Single();
        Assert.Equal(feed.Key, taken.MessageText);
        await site.Get<RefreshMarkers>().ClaimAsync(feed.Key, CancellationToken.None);

        // A change while the render may still be under way only touches its marker (that render then renders again).
        await scheduler.ScheduleAsync([feed], CancellationToken.None);
        Assert.Empty((await refresh.PeekMessagesAsync(5)).Value);

        // A change once the claim is older than a render takes queues the output again.
        site.Clock.Advance(RefreshMarkers.ClaimLease);
        await scheduler.ScheduleAsync([feed], CancellationToken.None);
        Assert.Equal([feed.Key], (await refresh.PeekMessagesAsync(5)).Value.Select(m => m.MessageText));
        await site.DrainRefreshQueueAsync();
        Assert.False(await site.Get<RefreshMarkers>().AnyPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_rebuild_repairs_what_the_refreshes_keep_of_the_listings()
    {
        await site.ResetAsync();
        var at = Now.AddHours(-2);
        await site.SubmitAsync(Article("repaired", "World", [], ["Ana Ruiz"], at));
        await site.UntilQuietAsync();
        // A month and a section nothing has any more, as a site indexed before they were kept would hold them.
        await site.Get<Index.ListingMonths>().SetAsync("section|world", "2001-01", true, CancellationToken.None);
        await site.Get<Index.SectionIndex>().SetAsync("ghosts", new Index.SectionName("ghosts", "Ghosts"), CancellationToken.None);

        var result = await site.Get<SiteBuild>().RebuildAsync(null, 4, CancellationToken.None);

        Assert.Equal(2, result.IndexRowsRepaired);
        Assert.DoesNotContain("/ghosts/", SectionLinks((await site.WebFileAsync("/world/"))!));
        Assert.DoesNotContain("/world/2001/01/", Archive((await site.WebFileAsync("/world/"))!));
        Assert.Empty(await site.VerifyAsync());
        // And the next refresh reads the repaired rows.
        await site.SubmitAsync(Article("repaired-later", "World", [], ["Ana Ruiz"], at.AddMinutes(5)));
        await site.UntilQuietAsync();
        Assert.Empty(await site.VerifyAsync());
    }
}
