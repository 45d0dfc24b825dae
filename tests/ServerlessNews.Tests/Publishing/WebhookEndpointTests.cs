using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Publishing;

/// <summary>POST /api/articles over real HTTP (DevServer) against a real Azurite.</summary>
public sealed class WebhookEndpointTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    private HttpClient Client => server.Client;

    private async Task<StorageSnapshot> SnapshotAsync() => await StorageSnapshot.TakeAsync(server);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_signed_valid_article_is_stored_before_202_with_a_status_url()
    {
        var response = await Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("stored-before-answer")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/articles/stored-before-answer", response.Headers.Location?.ToString());
        var submissions = server.Container(StorageNames.SubmissionsContainer).GetBlobsAsync(BlobTraits.None, BlobStates.None, "stored-before-answer/", default);
        var stored = await submissions.ToListAsync();
        Assert.Single(stored);
        var message = (await server.Queue(StorageNames.PublishQueue).PeekMessagesAsync(32)).Value;
        Assert.Contains(message, m => m.MessageText.Contains("stored-before-answer", StringComparison.Ordinal));

        // Published within the request (Webhooks:PublishInline); the queued message remains the guarantee.
        var status = await Client.GetFromJsonAsync<JsonElement>("/api/articles/stored-before-answer");
        Assert.Equal("published", status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_webhook_answers_once_page_and_index_are_written_and_its_message_completes_the_rest()
    {
        // An article already in the section and its listings, so that the new page shows it as related.
        var earlier = TestArticles.Valid("completion-earlier").With("section", "Completion");
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Webhook.SignedDelivery(earlier))).StatusCode);
        await server.DrainAsync();
        const string earlierPath = "/completion/2026/11/27/completion-earlier/";
        const string path = "/completion/2026/11/27/completion-later/";

        var response = await Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("completion-later").With("section", "Completion")));

        // At the answer: the page (its related articles come with the message's render), the index and the
        // revision's record of its delivery.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.DoesNotContain($"href=\"{earlierPath}\"", await server.PageAsync(path), StringComparison.Ordinal);
        var status = await server.StatusAsync("completion-later");
        Assert.Equal("published", status.GetProperty("state").GetString());
        var revision = Assert.Single(status.GetProperty("revisions").EnumerateArray());
        Assert.Equal("published", revision.GetProperty("state").GetString());
        Assert.StartsWith("webhook msg_", revision.GetProperty("source").GetString(), StringComparison.Ordinal);

        await server.DrainPublishQueueAsync();

        // Then its message: the normalized document, the URL lookup, and the page with its related article, which it
        // carries in its metadata too (so that a change to the listings knows whether it changes the page).
        Assert.Contains($"href=\"{earlierPath}\"", await server.PageAsync(path), StringComparison.Ordinal);
        Assert.Equal("completion-later", (await server.Get<ArticleContent>().LoadAsync("completion-later", CancellationToken.None))?.Article.Id);
        Assert.Equal("completion-later", await server.Get<ArticleIndex>().FindByPathAsync(path, CancellationToken.None));
        Assert.Contains("completion-earlier", (await server.PagePropertiesAsync(path)).Metadata[ArticlePages.RelatedMetadataKey].Split(','));
    }

    [Fact]
    public async Task A_page_published_in_the_request_shows_the_sections_its_host_read_a_moment_ago_and_no_related_articles_until_its_message_renders_it_again()
    {
        static JsonObject InSection(string id, string section) => TestArticles.Valid(id).With("section", section).With("tags", new JsonArray());
        const string earlierPath = "/provisional/2026/11/27/provisional-a/";
        const string path = "/provisional/2026/11/27/provisional-c/";
        static string[] Sections(AngleSharp.Html.Dom.IHtmlDocument page) =>
            [.. page.QuerySelectorAll("nav[aria-label=Sections] a").Select(a => a.GetAttribute("href")!)];
        await server.SubmitAsync(InSection("provisional-a", "Provisional"));
        await server.DrainAsync();
        // The DevServer reads the section list, as its publishes do; then another host publishes into a new section.
        Assert.NotNull(await server.App.Services.GetRequiredService<ListingHeads>().ReadAsync(ListingHeads.SectionsKey, CancellationToken.None));
        await server.SubmitAsync(InSection("provisional-b", "Provisional Elsewhere"));
        await server.DrainAsync();

        var response = await Client.SendAsync(Webhook.SignedDelivery(InSection("provisional-c", "Provisional")));

        // At the answer: the section list as the DevServer read it (no read for it), and no related articles,
        // which listings read a moment ago could show even after a kill.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var provisional = Html.Parse((await server.PageAsync(path))!);
        Assert.Contains("/provisional/", Sections(provisional));
        Assert.DoesNotContain("/provisional-elsewhere/", Sections(provisional));
        Assert.Null(provisional.QuerySelector(".related"));

        await server.DrainPublishQueueAsync();

        // Its message renders it again from fresh reads.
        var page = Html.Parse((await server.PageAsync(path))!);
        Assert.Contains("/provisional-elsewhere/", Sections(page));
        Assert.Contains(earlierPath, page.QuerySelectorAll(".related a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task A_repeated_webhook_id_answers_200_and_stores_nothing_more()
    {
        var body = TestArticles.Valid("repeated-delivery");
        var first = await Client.SendAsync(Webhook.SignedDelivery(body, id: "msg_repeat"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var before = await SnapshotAsync();

        var again = await Client.SendAsync(Webhook.SignedDelivery(body, id: "msg_repeat"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Invalid_fields_get_400_naming_every_one_and_store_nothing()
    {
        var before = await SnapshotAsync();
        var bad = TestArticles.Valid("bad-fields").With("headline", "").With("authors", new JsonArray()).With("publishedAt", "soon");

        var response = await Client.SendAsync(Webhook.SignedDelivery(bad));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.Equal(new[] { "authors", "headline", "publishedAt" }, errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Malformed_json_gets_400()
    {
        var before = await SnapshotAsync();
        var response = await Client.SendAsync(Webhook.SignedDelivery(Encoding.UTF8.GetBytes("{\"id\": \"x\", ")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Bad_or_missing_signatures_get_401_and_store_nothing()
    {
        var before = await SnapshotAsync();
        var body = TestArticles.Valid("unsigned");

        var wrongSecret = await Client.SendAsync(Webhook.SignedDelivery(body, secret: "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldCE="));
        var stale = await Client.SendAsync(Webhook.SignedDelivery(body, at: DateTimeOffset.UtcNow.AddMinutes(-6)));
        var unsigned = Webhook.SignedDelivery(body);
        unsigned.Headers.Remove("webhook-signature");
        var missing = await Client.SendAsync(unsigned);

        foreach (var response in new[] { wrongSecret, stale, missing })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.False(string.IsNullOrEmpty((await ProblemAsync(response)).GetProperty("detail").GetString()));
        }
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var before = await SnapshotAsync();
        var huge = TestArticles.Valid("too-large").WithBody("text", new string('a', 1_100_000));
        var response = await Client.SendAsync(Webhook.SignedDelivery(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemAsync(response);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_wrong_media_type_gets_415(string contentType)
    {
        var before = await SnapshotAsync();
        var body = Encoding.UTF8.GetBytes(TestArticles.Valid("wrong-type").ToJsonString());
        var response = await Client.SendAsync(Webhook.SignedDelivery(body, contentType: contentType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ProblemAsync(response);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Status_of_an_unknown_article_is_404_and_of_a_bad_id_400()
    {
        var unknown = await Client.GetAsync(new Uri("/api/articles/never-sent", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await ProblemAsync(unknown);
        var bad = await Client.GetAsync(new Uri("/api/articles/BAD..ID", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await ProblemAsync(bad);
    }
}

/// <summary>What a request could have changed: counts of submissions, deliveries, revisions, comments, commenters and queued messages.</summary>
public sealed record StorageSnapshot(int Submissions, int Deliveries, int ArticleRows, int QueuedMessages, int CommentRows, int CommenterRows, int ModerateMessages)
{
    public static async Task<StorageSnapshot> TakeAsync(StorageFixture storage)
    {
        var submissions = await storage.Container(StorageNames.SubmissionsContainer).GetBlobsAsync().CountAsync();
        var rows = await storage.Table(StorageNames.ArticlesTable).QueryAsync<TableEntity>(select: ["RowKey"]).Select(r => r.RowKey).ToListAsync();
        var deliveries = rows.Count(k => k.StartsWith(DeliveryRecord.RowPrefix, StringComparison.Ordinal));
        var articles = rows.Count - deliveries;
        var queue = (await storage.Queue(StorageNames.PublishQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var comments = await storage.Table(StorageNames.CommentsTable).QueryAsync<TableEntity>(select: ["PartitionKey"]).CountAsync();
        var commenters = await storage.Table(StorageNames.CommentersTable).QueryAsync<TableEntity>(select: ["PartitionKey"]).CountAsync();
        var moderate = (await storage.Queue(StorageNames.ModerateQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        return new(submissions, deliveries, articles, queue, comments, commenters, moderate);
    }
}
