using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

public sealed class DuplicatesAndRacesTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    [Fact]
    public async Task One_webhook_delivered_twenty_times_at_once_is_one_submission()
    {
        var body = Encoding.UTF8.GetBytes(TestArticles.Valid("twenty-times").ToJsonString());
        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => server.Client.SendAsync(Webhook.SignedDelivery(body, id: "msg_twenty"))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var submissions = await server.Container(StorageNames.SubmissionsContainer)
            .GetBlobsAsync(BlobTraits.None, BlobStates.None, "twenty-times/", default).CountAsync();
        Assert.Equal(1, submissions);

        await server.DrainPublishQueueAsync();
        var status = await server.StatusAsync("twenty-times");
        Assert.Equal("published", status.GetProperty("state").GetString());
        Assert.Single(status.GetProperty("revisions").EnumerateArray());
    }

    [Fact]
    public async Task Racing_revisions_leave_the_newest_on_every_output()
    {
        for (var round = 0; round < 3; round++)
        {
            var id = $"racing-{round}";
            foreach (var revision in Enumerable.Range(1, 6).OrderBy(_ => Random.Shared.Next()))
            {
                await server.SubmitAsync(TestArticles.Valid(id, revision).With("headline", $"Revision {revision}"));
            }
            // Every message handled at once, as several instances would.
            var queue = server.Queue(StorageNames.PublishQueue);
            var messages = (await queue.ReceiveMessagesAsync(32)).Value;
            var publishing = server.Get<PublishingPipeline>();
            await Task.WhenAll(messages.Select(m => Task.Run(() => publishing.HandleAsync(m.MessageText, 1, CancellationToken.None))));
            foreach (var m in messages)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }

            var path = $"/world/2026/11/27/{id}/";
            Assert.Equal("Revision 6", Html.Parse((await server.PageAsync(path))!).QuerySelector("h1")!.TextContent);
            var content = await server.Container(StorageNames.ContentContainer).GetBlobClient(ArticleContent.BlobName(id)).DownloadContentAsync();
            Assert.Equal(6, JsonSerializer.Deserialize(content.Value.Content.ToString(), ArticlesJsonContext.Default.ArticleDocument)!.Article.Revision);
            var entity = await server.Get<ArticleIndex>().GetAsync(id, CancellationToken.None);
            Assert.Equal(6, entity!.Revision);
            Assert.Equal("Revision 6", entity.Headline);
            var states = (await server.StatusAsync(id)).GetProperty("revisions").EnumerateArray()
                .ToDictionary(r => r.GetProperty("revision").GetInt64(), r => r.GetProperty("state").GetString());
            Assert.Equal("published", states[6]);
            Assert.All(Enumerable.Range(1, 5), r => Assert.Contains(states[r], new[] { "superseded", "published" }));
        }
    }

    /// <summary>
    /// Revision <paramref name="revision"/> of a listing race article: its own tag, and Tom Becker only on odd
    /// revisions, so every older revision is in listings the newest is not in.
    /// </summary>
    private static ArticleEntity ListingRevision(string id, DateTimeOffset publishedAt, long revision)
    {
        IReadOnlyList<string> authors = revision % 2 == 1 ? ["Ana Ruiz", "Tom Becker"] : ["Ana Ruiz"];
        IReadOnlyList<string> tags = ["Transport", $"Edition {revision}"];
        return new()
        {
            PartitionKey = id,
            Revision = revision,
            State = ArticleStates.Published,
            Path = $"/racing-listings/2026/11/26/{id}/",
            Headline = $"{id} revision {revision}",
            Summary = $"Summary of revision {revision}.",
            Section = "Racing listings",
            Authors = ArticleSummary.JsonList(authors),
            Tags = ArticleSummary.JsonList(tags),
            PublishedAt = publishedAt,
        };
    }

    private static IEnumerable<string> ListingKeys(ArticleEntity article) =>
        ListingRef.For(article.Section, article.TagNames(), article.AuthorNames()).Select(l => l.Key);

    /// <summary>
    /// One instance's view of storage: its own client, whose requests each leave after a random 0–50 ms, as
    /// requests from several machines do. Without it, requests from one process reach Azurite in the order
    /// they were issued, and an older revision's writes would rarely land after a newer one's.
    /// </summary>
    private sealed class Jitter : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await Task.Delay(Random.Shared.Next(0, 50), message.CancellationToken);
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Thread.Sleep(Random.Shared.Next(0, 50));
            ProcessNext(message, pipeline);
        }
    }

    private ListingIndex Instance()
    {
        var options = new TableClientOptions();
        options.AddPolicy(new Jitter(), HttpPipelinePosition.PerRetry);
        var tables = new TableServiceClient(server.ConnectionString, options);
        var heads = new ListingHeads(tables, TimeProvider.System);
        return new ListingIndex(tables, heads, NullLogger<ListingIndex>.Instance);
    }

    [Fact]
    public async Task Racing_listing_syncs_leave_the_newest_revision_in_every_listing_row_page_and_feed()
    {
        const int revisions = 8;
        var table = server.Table(StorageNames.ListingsTable);
        var ids = new List<string>();
        var wrong = new List<string>();
        for (var round = 0; round < 24; round++)
        {
            var id = $"listing-race-{round}";
            ids.Add(id);
            var publishedAt = new DateTimeOffset(2026, 11, 26, 9, round, 0, TimeSpan.Zero);
            var all = Enumerable.Range(1, revisions).Select(r => ListingRevision(id, publishedAt, r)).ToList();
            IEnumerable<ArticleEntity> order = (round % 3) switch
            {
                0 => all,
                1 => Enumerable.Reverse(all),
                _ => all.OrderBy(_ => Random.Shared.Next()),
            };
            // Every revision synced at once, each on its own instance, then the outputs they touched scheduled
            // for a refresh, as the site lifecycle does after each sync.
            var touched = await Task.WhenAll(order.Select(a => Task.Run(() => Instance().SyncAsync(a, CancellationToken.None))));
            await server.Get<SiteRefreshScheduler>().ScheduleAsync(SiteLifecycle.OutputsFor(touched.SelectMany(t => t)), CancellationToken.None);

            var newest = all[^1];
            var wanted = ListingKeys(newest).ToHashSet(StringComparer.Ordinal);
            var rowKey = ListingEntity.RowKeyFor(publishedAt, id);
            var how = round % 3 == 0 ? "oldest first" : round % 3 == 1 ? "newest first" : "shuffled";
            foreach (var key in all.SelectMany(ListingKeys).Distinct(StringComparer.Ordinal))
            {
                var row = await table.GetEntityIfExistsAsync<ListingEntity>(key, rowKey);
                if (wanted.Contains(key) && (!row.HasValue || row.Value!.Revision != revisions || row.Value.Headline != newest.Headline))
                {
                    wrong.Add($"{id} ({how}) {key}: {(row.HasValue ? row.Value!.Headline : "missing")}");
                }
                else if (!wanted.Contains(key) && row.HasValue)
                {
                    wrong.Add($"{id} ({how}) {key}: stale row of revision {row.Value!.Revision}");
                }
                // The listing's head (what article pages read for related articles) agrees with its rows.
                var head = (await server.Get<ListingIndex>().NewestAsync(key, ListingHeads.Size, CancellationToken.None)).Where(r => r.ArticleId == id).ToList();
                if (wanted.Contains(key) ? head is not [{ } entry] || entry.Headline != newest.Headline : head.Count > 0)
                {
                    wrong.Add($"{id} ({how}) head of {key}: {string.Join(", ", head.Select(r => r.Headline))}");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // What readers see, rendered from those rows: the newest headline everywhere (the month archives list
        // every article of the month), nothing in the listings it left.
        await server.DrainRefreshQueueAsync();
        foreach (var path in new[] { "/racing-listings/2026/11/", "/tag/transport/2026/11/", "/author/ana-ruiz/2026/11/" })
        {
            var listed = Html.Parse((await server.WebFileAsync(path))!).QuerySelectorAll(".listing li h2 a")
                .Select(a => a.TextContent).Where(h => h.StartsWith("listing-race-", StringComparison.Ordinal));
            Assert.Equal(ids.Select(id => $"{id} revision {revisions}").Reverse(), listed);
        }
        foreach (var path in Enumerable.Range(1, revisions - 1).Select(r => $"/tag/edition-{r}/").Append("/author/tom-becker/"))
        {
            var html = await server.WebFileAsync(path);
            Assert.True(html is null || !html.Contains("listing-race-", StringComparison.Ordinal), $"{path} still lists a race article");
        }
        var feed = SiteData.LoadFeed((await server.WebFileAsync("/racing-listings/feed.xml"))!);
        Assert.Equal(ids.Select(id => $"{id} revision {revisions}").Reverse(), feed.Items.Select(i => i.Title.Text));
    }

    [Fact]
    public async Task A_redelivered_publish_message_renders_once()
    {
        await server.SubmitAsync(TestArticles.Valid("redelivered"));
        var message = (await server.Queue(StorageNames.PublishQueue).PeekMessageAsync()).Value.MessageText;
        await server.DrainPublishQueueAsync();
        var before = await server.PagePropertiesAsync("/world/2026/11/27/redelivered/");

        await server.Get<PublishingPipeline>().HandleAsync(message, 2, CancellationToken.None);

        Assert.Equal(before.ETag, (await server.PagePropertiesAsync("/world/2026/11/27/redelivered/")).ETag);
    }
}
