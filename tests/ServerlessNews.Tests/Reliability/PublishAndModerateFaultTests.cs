using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>
/// Publishes and moderations in flight together when the host is killed (SIGKILL), against an Azurite with
/// disk persistence running apart from the DevServer.
/// </summary>
public sealed class PublishAndModerateFaultTests() : DiskAzuriteTests("mixed-faults")
{
    private const int Articles = 30;
    private const int CommentsPerKind = 15;
    private const string CommentedId = "crash-mixed-commented";
    private const string Headline = "Harbour bridge reopens after repairs";
    private Dictionary<string, string> Environment() => HostEnvironment(new()
    {
        ["Moderation__Key"] = StorageFixture.ModerationKey,
        // Publishing on the queue only, so that publishes are still in flight when the host dies.
        ["Webhooks__PublishInline"] = "false",
        // Every client here is 127.0.0.1: distinct emails alone cannot get past a per-address flood window.
        ["Comments__FloodWindow"] = "00:00:00",
    });

    /// <summary>Every listing a <see cref="TestArticles.Valid"/> article is in.</summary>
    private static readonly string[] Listings =
        ListingRef.For("World", ["Transport", "Portugal"], ["Ana Ruiz", "Tom Becker"]).Select(l => l.Key).ToArray();

    private static string PathOf(string id) => $"/world/2026/11/27/{id}/";

    /// <summary>How many rows each article has in each listing.</summary>
    private async Task<Dictionary<(string Listing, string ArticleId), int>> ListingRowsAsync()
    {
        var table = new TableServiceClient(Azurite.ConnectionString).GetTableClient(StorageNames.ListingsTable);
        var counts = new Dictionary<(string, string), int>();
        foreach (var listing in Listings)
        {
            await foreach (var row in table.QueryAsync<ListingEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {listing}"), select: [nameof(ListingEntity.ArticleId)]))
            {
                counts[(listing, row.ArticleId)] = counts.GetValueOrDefault((listing, row.ArticleId)) + 1;
            }
        }
        return counts;
    }

    /// <summary>
    /// The articles published once in effect: the index says published, the page in <c>$web</c> holds
    /// revision 1, and each listing the article belongs to has exactly one row of it.
    /// </summary>
    private async Task<HashSet<string>> PublishedOnceAsync(HttpClient client, string[] ids)
    {
        var web = new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(StorageNames.WebContainer);
        var rows = await ListingRowsAsync();
        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (await HostApi.ArticleStateAsync(client, id) != "published")
            {
                continue;
            }
            var page = web.GetBlobClient(ArticleDocument.PageBlobNameFor(PathOf(id)));
            var revision = await page.ExistsAsync() ? RevisionGuard.StoredRevision((await page.GetPropertiesAsync()).Value) : 0;
            if (revision == 1 && Listings.All(listing => rows.GetValueOrDefault((listing, id)) == 1))
            {
                published.Add(id);
            }
        }
        return published;
    }

    [Fact]
    public async Task A_crash_while_publishing_and_moderating_publishes_every_accepted_article_once_and_decides_every_accepted_comment()
    {
        var articleIds = Enumerable.Range(0, Articles).Select(i => $"crash-mixed-{i}").ToArray();
        HttpResponseMessage[] publishes, comments;
        using (var first = await DevServerProcess.StartAsync(Environment()))
        {
            using var client = HostApi.Client(first.BaseAddress);
            var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(CommentedId).With("publishedAt", at)))).StatusCode);
            await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(client, CommentedId) == "published" ? "ok" : null,
                TimeSpan.FromSeconds(60), "the article to comment on to be published");

            // All at once: the CMS publishing, readers commenting by script (JSON) and by the page's form. The
            // host publishes and moderates while they arrive, and dies as soon as the last one is answered.
            var publishing = Task.WhenAll(articleIds.Select(id => client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id)))));
            var commenting = Task.WhenAll(Enumerable.Range(0, CommentsPerKind).SelectMany(i => new[]
            {
                client.SendAsync(HostApi.JsonComment(CommentedId, $"json{i}@example.test", $"Comment {i} by script, before the crash.")),
                client.SendAsync(HostApi.FormComment(CommentedId, $"form{i}@example.test", $"Comment {i} by the form, before the crash.")),
            }));
            publishes = await publishing;
            comments = await commenting;
            first.Crash();
        }
        Assert.All(publishes, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(CommentsPerKind, comments.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(CommentsPerKind, comments.Count(r => r.StatusCode == HttpStatusCode.SeeOther));
        var commentIds = await Task.WhenAll(comments.Select(HostApi.AcceptedCommentIdAsync));

        using var second = await DevServerProcess.StartAsync(Environment());
        using var api = HostApi.Client(second.BaseAddress);
        var queues = new QueueServiceClient(Azurite.ConnectionString);

        // Messages the killed host held stay invisible until their 10-minute lease runs out; everything else
        // is finished by the new host.
        await HostApi.AssertEveryCommentDecidedOrHeldAsync(Azurite.ConnectionString, commentIds);
        var publishQueue = queues.GetQueueClient(StorageNames.PublishQueue);
        var (published, heldPublishes) = await Poll.UntilAsync(async () =>
        {
            var done = await PublishedOnceAsync(api, articleIds);
            return await HostApi.HeldMessagesAsync(publishQueue) is { } held && done.Count + held >= Articles ? Tuple.Create(done, held) : null;
        }, TimeSpan.FromSeconds(120), "every accepted article to be published once or held in the queue");
        TestContext.Current.TestOutputHelper?.WriteLine($"{published.Count}/{Articles} articles published, {heldPublishes} publish messages held");

        // Each article was accepted once (one submission, one revision), is never listed twice, and is either
        // published, with its page served, or waiting for a message the killed host held.
        var submissions = new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(StorageNames.SubmissionsContainer);
        var rows = await ListingRowsAsync();
        foreach (var id in articleIds)
        {
            Assert.Equal(1, await submissions.GetBlobsAsync(BlobTraits.None, BlobStates.None, id + "/", default).CountAsync());
            var status = await (await api.SendAsync(Webhook.StatusRequest(id))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Single(status.GetProperty("revisions").EnumerateArray());
            Assert.All(Listings, listing => Assert.InRange(rows.GetValueOrDefault((listing, id)), 0, 1));
        }
        foreach (var id in published)
        {
            Assert.Contains(Headline, await api.GetStringAsync(new Uri(PathOf(id), UriKind.Relative)), StringComparison.Ordinal);
        }
        var waiting = articleIds.Where(id => !published.Contains(id)).ToList();
        Assert.True(waiting.Count <= heldPublishes, $"{waiting.Count} articles not published ({string.Join(", ", waiting)}), but only {heldPublishes} publish messages held");
    }
}
