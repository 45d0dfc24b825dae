using Microsoft.Extensions.Options;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Convergence;

/// <summary>"Related Articles": ranked by relevance, drawn from a bounded window, kept current after every change.</summary>
public sealed class RelatedArticlesTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private DateTimeOffset Now => Seconds(storage.Clock.GetUtcNow());

    private async Task<string[]> RelatedAsync(string id, string section, DateTimeOffset at) =>
        Html.Parse((await storage.PageAsync(PathOf(id, section, at)))!).QuerySelectorAll("section.related li a")
            .Select(a => a.GetAttribute("href")!.TrimEnd('/').Split('/')[^1]).ToArray();

    [Fact]
    public async Task A_story_sharing_three_tags_outranks_newer_stories_that_only_share_the_section()
    {
        var at = Now.AddHours(-3);
        await storage.SubmitAsync(Article("tolls-cousin", "Money", ["Bridges", "Tolls", "Lisbon"], ["Ana Ruiz"], at.AddHours(-2)));
        await storage.SubmitAsync(Article("tolls-story", "Harbours", ["Bridges", "Tolls", "Lisbon"], ["Ana Ruiz"], at));
        for (var i = 1; i <= 5; i++)
        {
            await storage.SubmitAsync(Article($"harbour-news-{i}", "Harbours", [], ["Tom Becker"], at.AddMinutes(i)));
        }
        await storage.DrainAsync();

        // 3 × 3 shared tags outrank 1 × the same section; among equals, the closest in time first.
        Assert.Equal(["tolls-cousin", "harbour-news-1", "harbour-news-2", "harbour-news-3", "harbour-news-4"], await RelatedAsync("tolls-story", "Harbours", at));
        // And the other way round: the section-only stories show the tagged story among their own section.
        Assert.Equal(["harbour-news-2", "tolls-story", "harbour-news-3", "harbour-news-4", "harbour-news-5"], await RelatedAsync("harbour-news-1", "Harbours", at.AddMinutes(1)));
    }

    [Fact]
    public async Task Yesterdays_story_shows_todays_follow_up_and_a_correction_or_kill_of_it_reaches_that_page_too()
    {
        var yesterday = Now.AddDays(-1);
        await storage.SubmitAsync(Article("flood-yesterday", "Weather", ["Floods"], ["Ana Ruiz"], yesterday));
        await storage.DrainAsync();
        // Stories in between that share only the section.
        for (var i = 0; i < 3; i++)
        {
            await storage.SubmitAsync(Article($"weather-{i}", "Weather", [], ["Ana Ruiz"], yesterday.AddHours(i + 1)));
        }
        await storage.DrainAsync();
        Assert.DoesNotContain("flood-today", await RelatedAsync("flood-yesterday", "Weather", yesterday));

        var today = Now.AddMinutes(-5);
        await storage.SubmitAsync(Article("flood-today", "Weather", ["Floods"], ["Tom Becker"], today));
        await storage.DrainAsync();
        Assert.Equal("flood-today", (await RelatedAsync("flood-yesterday", "Weather", yesterday))[0]);

        // A correction of the follow-up changes what the older page shows of it.
        await storage.SubmitAsync(Article("flood-today", "Weather", ["Floods"], ["Tom Becker"], today, revision: 2).With("headline", "Flood waters recede"));
        await storage.DrainAsync();
        var page = Html.Parse((await storage.PageAsync(PathOf("flood-yesterday", "Weather", yesterday)))!);
        Assert.Equal("Flood waters recede", page.QuerySelector("section.related li a")!.TextContent);

        // A kill takes it off again.
        await storage.SubmitAsync(TestArticles.Valid("flood-today", revision: 3).With("status", "killed"));
        await storage.DrainAsync();
        Assert.DoesNotContain("flood-today", await RelatedAsync("flood-yesterday", "Weather", yesterday));
    }

    [Fact]
    public async Task Articles_sharing_a_tag_published_at_the_same_moment_each_show_the_other()
    {
        var at = Now.AddMinutes(-30);
        for (var pair = 0; pair < 4; pair++)
        {
            // Both messages handled at once, as two instances would: each page may render before the other's rows exist.
            await storage.SubmitAsync(Article($"race-{pair}-a", $"Racing {pair}", [$"Photo finish {pair}"], ["Ana Ruiz"], at.AddSeconds(pair)));
            await storage.SubmitAsync(Article($"race-{pair}-b", $"Racing {pair}", [$"Photo finish {pair}"], ["Tom Becker"], at.AddSeconds(pair + 1)));
            var publishing = storage.Get<PublishingPipeline>();
            var messages = (await storage.Queue(StorageNames.PublishQueue).ReceiveMessagesAsync(2)).Value;
            await Task.WhenAll(messages.Select(m => Task.Run(() => publishing.HandleAsync(m.MessageText, m.DequeueCount, CancellationToken.None))));
            foreach (var m in messages)
            {
                await storage.Queue(StorageNames.PublishQueue).DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
            await storage.DrainAsync();

            Assert.Equal([$"race-{pair}-b"], await RelatedAsync($"race-{pair}-a", $"Racing {pair}", at.AddSeconds(pair)));
            Assert.Equal([$"race-{pair}-a"], await RelatedAsync($"race-{pair}-b", $"Racing {pair}", at.AddSeconds(pair + 1)));
        }
    }

    [Fact]
    public async Task A_publish_renders_again_only_pages_within_the_window_whose_block_changed()
    {
        var window = storage.Get<IOptions<RefreshOptions>>().Value.RelatedWindow;
        var at = Now.AddHours(-10);
        var times = Enumerable.Range(0, 3 * window).Select(i => at.AddMinutes(i)).ToArray();
        for (var i = 0; i < times.Length; i++)
        {
            await storage.SubmitAsync(Article($"busy-{i:D2}", "Busy", ["Crowded"], ["Ana Ruiz"], times[i]));
        }
        await storage.DrainAsync();
        var before = await PageETagsAsync("busy-", "Busy", times);

        var newest = at.AddMinutes(3 * window);
        await storage.SubmitAsync(Article("busy-new", "Busy", ["Crowded"], ["Ana Ruiz"], newest));
        await storage.DrainPublishQueueAsync();
        // One check around its position in each listing it entered that related blocks draw from: its section and its tag.
        var queued = (await storage.Queue(StorageNames.RefreshQueue).PeekMessagesAsync(32)).Value.Select(m => m.MessageText).ToList();
        Assert.Equal(2, queued.Count(m => m.StartsWith("related|", StringComparison.Ordinal)));
        await storage.DrainRefreshQueueAsync();

        var after = await PageETagsAsync("busy-", "Busy", times);
        var changed = Enumerable.Range(0, times.Length).Where(i => before[i] != after[i]).ToList();
        // Only pages among the K nearest to it can change; of those, the ones whose top five now include it.
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.True(i >= times.Length - window, $"busy-{i:D2} is outside the window but was rendered again"));
        Assert.All(changed, i => Assert.Contains("busy-new", RelatedOfHtml(storage.PageAsync(PathOf($"busy-{i:D2}", "Busy", times[i])).GetAwaiter().GetResult()!)));
        Assert.Contains("busy-new", await RelatedAsync($"busy-{times.Length - 1:D2}", "Busy", times[^1]));
    }

    [Fact]
    public async Task A_window_read_from_the_tables_equals_the_one_a_rebuild_computes_in_memory_anywhere_in_a_long_listing()
    {
        // More articles than a listing's head keeps, spread unevenly in time, so that windows of old articles are read
        // with key ranges and those of new ones from the head.
        var at = Now.AddDays(-300);
        var times = Enumerable.Range(0, 60).Select(i => at.AddHours(i * i)).ToArray();
        for (var i = 0; i < times.Length; i++)
        {
            await storage.SubmitAsync(Article($"long-{i:D2}", "Archives", ["Long listing"], ["Ana Ruiz"], times[i]));
        }
        await storage.DrainPublishQueueAsync();
        var related = storage.Get<RelatedArticles>();
        var snapshot = await ListingSnapshot.LoadAsync(storage.Get<ArticleIndex>(), 50_000, CancellationToken.None);
        foreach (var listing in new[] { ListingRef.Section("Archives").Key, ListingRef.Tag("Long listing").Key })
        {
            foreach (var i in new[] { 0, 1, 12, 30, 45, 50, 58, 59 })
            {
                var rowKey = ListingEntity.RowKeyFor(times[i], $"long-{i:D2}");
                var live = await related.WindowAsync(listing, rowKey, RenderScope.ForRefresh(), CancellationToken.None);
                var memory = snapshot.Window(listing, rowKey, storage.Get<IOptions<RefreshOptions>>().Value.RelatedWindow);
                Assert.Equal(memory.Select(r => r.RowKey), live.Select(r => r.RowKey));
            }
        }
        await storage.DrainRefreshQueueAsync();
    }

    private static string[] RelatedOfHtml(string html) =>
        Html.Parse(html).QuerySelectorAll("section.related li a").Select(a => a.GetAttribute("href")!.TrimEnd('/').Split('/')[^1]).ToArray();

    private async Task<string[]> PageETagsAsync(string prefix, string section, DateTimeOffset[] times)
    {
        var tags = new string[times.Length];
        for (var i = 0; i < times.Length; i++)
        {
            tags[i] = (await storage.PagePropertiesAsync(PathOf($"{prefix}{i:D2}", section, times[i]))).ETag.ToString();
        }
        return tags;
    }
}
