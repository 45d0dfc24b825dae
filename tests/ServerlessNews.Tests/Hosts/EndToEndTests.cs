using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Hosts;

/// <summary>The paths users take, through the DevServer.</summary>
public sealed class DevServerEndToEndTests(DevServerHost host) : EndToEndTests<DevServerHost>(host)
{
    /// <summary>Azurite has no static website: the DevServer serves $web at / as the static website does in Azure.</summary>
    [Fact]
    public async Task The_DevServer_serves_the_site_from_web_at_its_root()
    {
        var status = await PublishAsync("served-at-root");
        var path = status.GetProperty("path").GetString()!;

        var page = await Host.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Harbour bridge reopens after repairs", Html.Parse(await page.Content.ReadAsStringAsync()).QuerySelector("h1")!.TextContent);
        var withoutSlash = await Host.Client.GetAsync(new Uri(path.TrimEnd('/'), UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, withoutSlash.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync(new Uri("/world/2026/11/27/no-such-article/", UriKind.Relative))).StatusCode);
    }
}

/// <summary>The paths users take, through the Azure Functions host running the published Functions app.</summary>
public sealed class FunctionsHostEndToEndTests(FunctionsHost host) : EndToEndTests<FunctionsHost>(host)
{
    /// <summary>The blob extension's webhook is the host's, guarded by its keys: in Azure, Event Grid calls it with the blobs_extension key.</summary>
    [Fact]
    public async Task The_Event_Grid_blob_webhook_refuses_a_call_without_a_host_key()
    {
        await Host.Container(StorageNames.InboxContainer).UploadBlobAsync("unauthorized.json", BinaryData.FromString(TestArticles.Valid("unauthorized-drop").ToJsonString()));

        var response = await Host.Client.SendAsync(Host.BlobCreatedEvent(StorageNames.InboxContainer, "unauthorized.json", 10, key: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var wrong = await Host.Client.SendAsync(Host.BlobCreatedEvent(StorageNames.InboxContainer, "unauthorized.json", 10, key: "not-the-master-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Null(await HostApi.ArticleStateAsync(Host.Client, "unauthorized-drop"));
    }
}

/// <summary>
/// One set of end-to-end scenarios, run on every host of the Functions app: a CMS publishing by webhook and by
/// file, readers commenting, moderators deciding with the API's key, kills and embargoes, failures (a message that
/// always fails, bad input, storage down, the host killed). Each host runs against its own fresh Azurite, which it
/// sets up itself. Parity is shown by behaviour: the same requests get the same answers and the same results in
/// storage.
/// </summary>
public abstract class EndToEndTests<THost>(THost host) : IClassFixture<THost> where THost : HostUnderTest
{
    protected THost Host { get; } = host;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected async Task<JsonElement> WaitForStateAsync(string id, string state) =>
        await Poll.UntilAsync<JsonElement?>(async () =>
        {
            var response = await Host.Client.SendAsync(Webhook.StatusRequest(id));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var status = await response.Content.ReadFromJsonAsync<JsonElement>();
            // A revision's state is recorded a moment before the article's row it describes: a published one has both.
            return status.GetProperty("state").GetString() == state && (state != "published" || status.GetProperty("path").ValueKind == JsonValueKind.String)
                ? status
                : null;
        }, Patience, $"{id} to be {state}") ?? default;

    /// <summary>Publishes an article by signed webhook and returns its status once published.</summary>
    protected async Task<JsonElement> PublishAsync(string id)
    {
        var response = await Host.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id)));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await WaitForStateAsync(id, "published");
    }

    /// <summary>A file of the site as readers get it from the static website ($web), or null.</summary>
    protected async Task<string?> WebFileAsync(string path)
    {
        var name = path.TrimStart('/');
        var blob = Host.Container(StorageNames.WebContainer).GetBlobClient(name.Length == 0 || name.EndsWith('/') ? name + "index.html" : name);
        try
        {
            return (await blob.DownloadContentAsync()).Value.Content.ToString();
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The ids <c>GET /api/articles?section=</c> lists (first page).</summary>
    private async Task<IReadOnlyList<string>> ListedAsync(string section)
    {
        var listing = await Host.Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/articles?section={section}&pageSize=100", UriKind.Relative));
        return listing.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{expected} expected: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // never a stack trace
    }

    [Fact]
    public async Task The_app_creates_every_container_queue_and_table_it_uses_at_start()
    {
        // The fixture's Azurite was empty when the host started: nothing else created these.
        var containers = await new BlobServiceClient(Host.Azurite.ConnectionString).GetBlobContainersAsync().Select(c => c.Name).ToListAsync();
        var queues = await new Azure.Storage.Queues.QueueServiceClient(Host.Azurite.ConnectionString).GetQueuesAsync().Select(q => q.Name).ToListAsync();
        var tables = await new TableServiceClient(Host.Azurite.ConnectionString).QueryAsync().Select(t => t.Name).ToListAsync();

        Assert.Empty(StorageNames.Containers.Except(containers));
        Assert.Empty(StorageNames.Queues.Except(queues));
        Assert.Empty(StorageNames.Tables.Except(tables));
    }

    [Fact]
    public async Task A_signed_webhook_publishes_a_page_that_is_live_and_indexed()
    {
        var article = TestArticles.Valid("webhook-live");
        var response = await Host.Client.SendAsync(Webhook.SignedDelivery(article, id: "msg_webhook_live"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/articles/webhook-live", response.Headers.Location?.OriginalString);

        var status = await WaitForStateAsync("webhook-live", "published");
        var path = status.GetProperty("path").GetString()!;
        Assert.Equal(StorageFixture.BaseUrl + "/world/2026/11/27/webhook-live/", status.GetProperty("url").GetString());
        var page = Html.Parse((await WebFileAsync(path))!);
        Assert.Equal("Harbour bridge reopens after repairs", page.QuerySelector("h1")!.TextContent);

        // Indexed (the publish queue's message): listed by the API, then (the refresh queue) on its section page and in the feed.
        await Poll.UntilAsync(async () => (await ListedAsync("World")).Contains("webhook-live") ? "listed" : null, Patience, "the API to list it");
        await Poll.UntilAsync(async () => (await WebFileAsync("/world/"))?.Contains(path, StringComparison.Ordinal) == true ? "listed" : null, Patience, "the section page to list it");
        await Poll.UntilAsync(async () => (await WebFileAsync("/feed.xml"))?.Contains(path, StringComparison.Ordinal) == true ? "listed" : null, Patience, "the feed to list it");

        // The same delivery again changes nothing.
        var repeat = await Host.Client.SendAsync(Webhook.SignedDelivery(article, id: "msg_webhook_live"));
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("duplicate", (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_readme_example_signs_and_posts_the_sample_article()
    {
        var start = new ProcessStartInfo("bash", ["eng/post-article.sh", "samples/harbour-bridge-reopens.json"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SERVERLESSNEWS_URL"] = Host.BaseAddress.ToString().TrimEnd('/');
        start.Environment["WEBHOOK_SECRET"] = StorageFixture.Secret;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Contains("HTTP/1.1 202", output, StringComparison.Ordinal);
        var status = await WaitForStateAsync("harbour-bridge-reopens", "published");
        var page = Html.Parse((await WebFileAsync(status.GetProperty("path").GetString()!))!);
        Assert.Equal("LACK OF BACK CHANNELS", page.QuerySelector(".article-body h2")!.TextContent);
    }

    [Fact]
    public async Task A_file_dropped_in_the_inbox_is_published()
    {
        var markdown = """
            ---
            id: inbox-drop
            revision: 1
            status: published
            section: World
            headline: Quay wall collapses in storm
            authors: [Ana Ruiz]
            summary: The old quay gave way overnight.
            publishedAt: 2026-11-27T09:00:00Z
            ---
            The quay wall collapsed overnight.
            """;

        await Host.UploadAsync(StorageNames.InboxContainer, "inbox-drop.md", BinaryData.FromString(markdown));

        var status = await WaitForStateAsync("inbox-drop", "published");
        var page = Html.Parse((await WebFileAsync(status.GetProperty("path").GetString()!))!);
        Assert.Equal("Quay wall collapses in storm", page.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task A_comment_is_held_for_moderation_and_once_approved_with_the_key_appears_on_the_page()
    {
        var path = (await PublishAsync("commented")).GetProperty("path").GetString()!;
        var posted = await Host.Client.PostAsJsonAsync(new Uri("/api/comments", UriKind.Relative),
            new { articleId = "commented", name = "Ana Reader", email = "ana@example.test", comment = "Good news for commuters at last." });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // The moderate queue's trigger holds it (pre-moderation); moderators see why.
        var held = await Poll.UntilAsync<JsonElement?>(async () =>
        {
            var list = await (await Host.Client.SendAsync(HostApi.Moderation(HttpMethod.Get, "comments?status=held"))).Content.ReadFromJsonAsync<JsonElement>();
            return list.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("id").GetString() == id).Select(i => (JsonElement?)i).FirstOrDefault();
        }, Patience, "the comment to be held");
        Assert.Equal("pre-moderation", held!.Value.GetProperty("rule").GetString());
        Assert.DoesNotContain("Good news for commuters", (await WebFileAsync(path))!, StringComparison.Ordinal);

        // Without the key, or with another, nothing is decided.
        foreach (var key in new[] { null, "not-the-moderation-key" })
        {
            await AssertProblemAsync(await Host.Client.SendAsync(HostApi.Moderation(HttpMethod.Post, $"comments/commented/{id}/approve", key)), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await Host.Client.SendAsync(HostApi.Moderation(HttpMethod.Get, "comments?status=held", key)), HttpStatusCode.Unauthorized);
        }

        var approved = await Host.Client.SendAsync(HostApi.Moderation(HttpMethod.Post, $"comments/commented/{id}/approve", bearer: true));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("approved", (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await Poll.UntilAsync(async () => (await WebFileAsync(path))?.Contains("Good news for commuters at last.", StringComparison.Ordinal) == true ? "shown" : null,
            Patience, "the approved comment on the page");
    }

    [Fact]
    public async Task The_moderation_console_signs_in_with_the_key_and_its_cookie_lists_and_decides()
    {
        var path = (await PublishAsync("console-host")).GetProperty("path").GetString()!;
        var posted = await Host.Client.PostAsJsonAsync(new Uri("/api/comments", UriKind.Relative),
            new { articleId = "console-host", name = "Ana Reader", email = "console@example.test", comment = "Decided in the console." });
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var console = new ConsoleClient(Host.BaseAddress);

        // The page is the app's, at /api/moderation, next to the API's routes: the sign-in page until signed in.
        var signIn = await console.Http.SendAsync(ConsoleClient.Get(ConsoleClient.Page, null));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal("text/html", signIn.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(Html.Parse(await signIn.Content.ReadAsStringAsync()).QuerySelector("input[type=password][name=key]"));
        var (cookie, csrf) = await console.SignInAsync();
        await Poll.UntilAsync(async () => (await (await console.Http.SendAsync(ConsoleClient.Get("/api/moderation/queue?status=held", cookie))).Content.ReadAsStringAsync())
            .Contains($"console-host/{id}", StringComparison.Ordinal) ? "listed" : null, Patience, "the held comment in the console's queue");
        var page = Html.Parse(await (await console.Http.SendAsync(ConsoleClient.Get(ConsoleClient.Page, cookie))).Content.ReadAsStringAsync());
        Assert.Equal("Decided in the console.", page.QuerySelector($"li.item[data-key='console-host/{id}'] .comment-text")?.TextContent.Trim());

        // Without the session's CSRF token nothing is decided; with it, the comment reaches the page.
        Assert.Equal(HttpStatusCode.Forbidden, (await console.Http.SendAsync(ConsoleClient.Post(cookie, ("do", "approve"), ("item", $"console-host/{id}")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", "forged"), ("do", "approve"), ("item", $"console-host/{id}")))).StatusCode);
        Assert.DoesNotContain("Decided in the console.", (await WebFileAsync(path))!, StringComparison.Ordinal);
        var decided = await console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "approve"), ("item", $"console-host/{id}")));
        Assert.Equal(HttpStatusCode.SeeOther, decided.StatusCode);
        Assert.Contains("Decided in the console.", (await WebFileAsync(path))!, StringComparison.Ordinal);
        await AssertProblemAsync(await console.Http.SendAsync(ConsoleClient.Get("/api/moderation/queue", "moderation-session=forged.1.x")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_delete_kills_the_article_everywhere()
    {
        var path = (await PublishAsync("to-be-killed")).GetProperty("path").GetString()!;

        var killed = await Host.Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/to-be-killed", KillRequest.Body("to-be-killed")));
        Assert.Equal(HttpStatusCode.Accepted, killed.StatusCode);

        await WaitForStateAsync("to-be-killed", "killed");
        await Poll.UntilAsync(async () => (await WebFileAsync(path))?.Contains("This article has been removed", StringComparison.Ordinal) == true ? "removed" : null,
            Patience, "the page to become a removal notice");
        // The listing rows go in the kill's complete step, which may run a moment after the state is recorded.
        await Poll.UntilAsync(async () => (await ListedAsync("World")).Contains("to-be-killed") ? null : "gone", Patience, "the API to stop listing it");
        await Poll.UntilAsync(async () => (await WebFileAsync("/feed.xml"))?.Contains(path, StringComparison.Ordinal) == false ? "gone" : null, Patience, "the feed to drop it");
    }

    [Fact]
    public async Task An_image_uploaded_to_images_gets_its_renditions_and_the_page_that_uses_it_is_rendered_again()
    {
        var response = await Host.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("image-end-to-end")
            .With("image", new System.Text.Json.Nodes.JsonObject { ["url"] = "images/end-to-end.jpg", ["alt"] = "The bridge" })));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var path = (await WaitForStateAsync("image-end-to-end", "published")).GetProperty("path").GetString()!;

        await Host.UploadAsync(StorageNames.ImagesContainer, "end-to-end.jpg", BinaryData.FromBytes(Images.TestImages.Jpeg(700, 400)));

        // The blob trigger writes the renditions and queues the page; the refresh trigger renders it again.
        var page = await Poll.UntilAsync(async () => (await WebFileAsync(path)) is { } html && html.Contains("<picture>", StringComparison.Ordinal) ? Html.Parse(html) : null,
            Patience, "the page with the image's renditions");
        var webp = page.QuerySelector("figure.lead-image source[type='image/webp']")!.GetAttribute("srcset")!.Split(", ")[^1].Split(' ')[0];
        var rendition = Host.Container(StorageNames.WebContainer).GetBlobClient(webp.TrimStart('/'));
        var properties = (await rendition.GetPropertiesAsync()).Value;
        Assert.Equal("image/webp", properties.ContentType);
        Assert.Equal("public, max-age=31536000, immutable", properties.CacheControl);
    }

    [Fact]
    public async Task An_embargoed_article_is_published_by_its_held_message_when_the_embargo_lifts()
    {
        var lifts = DateTimeOffset.UtcNow.AddSeconds(8);
        var article = TestArticles.Valid("embargoed")
            .With("status", "embargoed")
            .With("embargoedUntil", lifts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.Accepted, (await Host.Client.SendAsync(Webhook.SignedDelivery(article))).StatusCode);
        var status = await WaitForStateAsync("embargoed", "embargoed");
        Assert.Null(await WebFileAsync("/world/2026/11/27/embargoed/"));

        status = await WaitForStateAsync("embargoed", "published");
        Assert.True(DateTimeOffset.UtcNow >= lifts, "published before the embargo lifted");
        Assert.NotNull(await WebFileAsync(status.GetProperty("path").GetString()!));
    }

    [Fact]
    public async Task A_message_that_always_fails_reaches_the_poison_queue()
    {
        var message = JsonSerializer.Serialize(new PublishMessage("poisoned", 1, "poisoned/missing.json"), PublishingJsonContext.Default.PublishMessage);
        await Host.Queue(StorageNames.PublishQueue).SendMessageAsync(message);

        var poison = Host.Queue(StorageNames.PublishQueue + "-poison");
        await Poll.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1 ? "poisoned" : null,
            Patience, "the message to reach publish-poison");
        Assert.Equal(message, (await poison.PeekMessagesAsync()).Value[0].MessageText);
        var status = await (await Host.Client.SendAsync(Webhook.StatusRequest("poisoned"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("does not exist", status.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(BadRequestCases.All), MemberType = typeof(BadRequestCases))]
    public async Task Bad_input_gets_the_same_ProblemDetails_on_every_host_and_changes_nothing(string request, HttpStatusCode expected, string[] fields)
    {
        var response = await Host.Client.SendAsync(BadRequestCases.Request(request));

        await AssertProblemAsync(response, expected);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var named = problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray() : [];
        Assert.Equal(fields, named);
        foreach (var id in new[] { "bad-fields", "unsigned", "stale", "plain", "too-large" })
        {
            Assert.Null(await HostApi.ArticleStateAsync(Host.Client, id));
        }
    }

    [Fact]
    public async Task A_webhook_secret_that_is_not_a_Standard_Webhooks_secret_stops_the_app_with_one_line_naming_it()
    {
        var settings = Host.Settings();
        settings["Webhooks__Secret"] = "whsec_c2hvcnQ= whsec_not*base64"; // "short" (5 bytes), then not base64

        var output = await Host.StartFailingAsync(settings);

        var lines = output.Split('\n').Where(l => l.Contains("Webhooks__Secret", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToArray();
        Assert.True(lines.Length == 1, $"One line naming Webhooks__Secret expected:\n{output}");
        var line = lines[0];
        Assert.Contains("secret 1 of 2 decodes to 5 bytes, fewer than 24", line, StringComparison.Ordinal);
        Assert.Contains("secret 2 of 2 is not base64", line, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_outage_answers_503_ProblemDetails_and_stores_nothing()
    {
        using var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        await Host.StopStorageAsync();
        try
        {
            var status = client.GetAsync(new Uri("/api/articles/outage", UriKind.Relative));
            var webhook = client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("outage")));
            await AssertProblemAsync(await status, HttpStatusCode.ServiceUnavailable);
            try
            {
                await AssertProblemAsync(await webhook, HttpStatusCode.ServiceUnavailable);
            }
            catch (HttpRequestException)
            {
                // Both hosts end when storage stays unreachable past their queue listeners' retries (the platform then
                // starts the Functions host again): a request in flight then gets no answer. Never a 202, never a 500.
            }
        }
        finally
        {
            await Host.StartStorageAsync();
            await Host.EnsureAnsweringAsync();
        }

        Assert.Null(await HostApi.ArticleStateAsync(Host.Client, "outage"));
        Assert.Equal(HttpStatusCode.Accepted, (await Host.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("outage")))).StatusCode);
        await WaitForStateAsync("outage", "published");
    }

    [Fact]
    public async Task Everything_accepted_reaches_its_end_within_a_minute_of_a_restart_after_the_host_is_killed_mid_work()
    {
        var path = (await PublishAsync("crash-comments")).GetProperty("path").GetString()!;
        // A commenter with an approved comment: the pipeline approves their next ones (known commenter), onto the page.
        var first = await HostApi.AcceptedCommentIdAsync(await Host.Client.SendAsync(HostApi.JsonComment("crash-comments", "known@example.test", "Known before the crash.")));
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.SendAsync(HostApi.Moderation(HttpMethod.Post, $"comments/crash-comments/{first}/approve"))).StatusCode);

        // Comments taken from the queue and stuck in moderation (the classifier does not answer) when the host dies.
        Host.Classifier.Stall();
        var comments = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i => await HostApi.AcceptedCommentIdAsync(await Host.Client.SendAsync(
            HostApi.JsonComment("crash-comments", i % 2 == 0 ? "known@example.test" : $"crash{i}@example.test", $"Comment {i} before the crash.")))));
        // From the moment they are accepted, moderators see them, even stuck.
        var listed = await HostApi.CommentStatusesAsync(Host.Client);
        Assert.All(comments, id => Assert.Equal("pending", listed.GetValueOrDefault(id)));
        var approvedTexts = Enumerable.Range(0, comments.Length).Where(i => i % 2 == 0).Select(i => $"Comment {i} before the crash.").ToArray();
        await Poll.UntilAsync(() => Task.FromResult(Host.Classifier.Stalled >= comments.Length ? "stalled" : null), Patience, "every comment to reach the classifier");
        // Articles delivered as the host dies: each is published in its request; what follows (listings) is its message's.
        var articles = Enumerable.Range(0, 8).Select(i => $"crash-{i}").ToArray();
        Assert.All(await Task.WhenAll(articles.Select(id => Host.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id))))),
            r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));

        Host.Crash();
        var moderateHeld = await HostApi.HeldMessagesAsync(Host.Queue(StorageNames.ModerateQueue));
        var publishHeld = await HostApi.HeldMessagesAsync(Host.Queue(StorageNames.PublishQueue));
        Host.Classifier.Release();
        var restart = Stopwatch.StartNew();
        await Host.StartAsync(Host.Settings());

        var paths = new Dictionary<string, string>();
        var statuses = new Dictionary<string, string>();
        await Poll.UntilAsync(async () =>
        {
            statuses = await HostApi.CommentStatusesAsync(Host.Client);
            if (!comments.All(id => statuses.GetValueOrDefault(id) is "approved" or "held"))
            {
                return null;
            }
            var page = await WebFileAsync(path) ?? "";
            if (!approvedTexts.All(text => page.Contains(text, StringComparison.Ordinal)))
            {
                return null;
            }
            foreach (var id in articles.Where(a => !paths.ContainsKey(a)))
            {
                if (await HostApi.ArticleStateAsync(Host.Client, id) == "published" &&
                    (await (await Host.Client.SendAsync(Webhook.StatusRequest(id))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString() is { } articlePath)
                {
                    paths[id] = articlePath;
                }
            }
            var section = await WebFileAsync("/world/") ?? "";
            return paths.Count == articles.Length && paths.Values.All(p => section.Contains(p, StringComparison.Ordinal)) ? "done" : null;
        }, TimeSpan.FromSeconds(60), "every comment decided (the approved ones on the page) and every article listed, within 60 s of the restart");
        restart.Stop();
        Assert.Equal(comments.Length / 2, comments.Count(id => statuses[id] == "approved"));
        var figure = string.Create(CultureInfo.InvariantCulture,
            $"{typeof(THost).Name}: killed holding {moderateHeld} moderate and {publishHeld?.ToString(CultureInfo.InvariantCulture) ?? "some (others visible)"} publish messages; everything done {restart.Elapsed.TotalSeconds:0.0} s after the restart began");
        TestContext.Current.TestOutputHelper?.WriteLine(figure);
        Console.WriteLine(figure);
        Assert.True(moderateHeld >= comments.Length, $"the killed host held {moderateHeld} moderate messages");
    }
}

/// <summary>Requests a CMS, a reader's script or a moderator could get wrong, and the answer each gets on every host.</summary>
public static class BadRequestCases
{
    public static TheoryData<string, HttpStatusCode, string[]> All() => new()
    {
        { "webhook: fields missing and wrong", HttpStatusCode.BadRequest, ["headline", "section"] },
        { "webhook: malformed JSON", HttpStatusCode.BadRequest, ["body"] },
        { "webhook: unsigned", HttpStatusCode.Unauthorized, [] },
        { "webhook: signed 10 minutes ago", HttpStatusCode.Unauthorized, [] },
        { "webhook: text/plain", HttpStatusCode.UnsupportedMediaType, [] },
        { "webhook: over the size limit", HttpStatusCode.RequestEntityTooLarge, [] },
        { "delete: bad id", HttpStatusCode.BadRequest, ["id"] },
        { "status: unknown article", HttpStatusCode.NotFound, [] },
        { "listing: two filters and page size 0", HttpStatusCode.BadRequest, ["pageSize", "section", "tag"] },
        { "comment: every field wrong", HttpStatusCode.BadRequest, ["comment", "email", "name", "website"] },
        { "pending: forged token", HttpStatusCode.BadRequest, ["token"] },
        { "moderation: no key", HttpStatusCode.Unauthorized, [] },
        { "moderation: unknown status", HttpStatusCode.BadRequest, ["status"] },
        { "moderation: bad ids and action", HttpStatusCode.BadRequest, ["action", "articleId", "commentId"] },
        { "moderation: export as text/plain", HttpStatusCode.UnsupportedMediaType, [] },
    };

    public static HttpRequestMessage Request(string name) => name switch
    {
        "webhook: fields missing and wrong" => Webhook.SignedDelivery(TestArticles.Valid("bad-fields").Without("headline").With("section", "")),
        "webhook: malformed JSON" => Webhook.SignedDelivery(Encoding.UTF8.GetBytes("{\"id\": ")),
        "webhook: unsigned" => new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = JsonContent.Create(TestArticles.Valid("unsigned")) },
        "webhook: signed 10 minutes ago" => Webhook.SignedDelivery(TestArticles.Valid("stale"), at: DateTimeOffset.UtcNow.AddMinutes(-10)),
        "webhook: text/plain" => Webhook.SignedDelivery(Encoding.UTF8.GetBytes(TestArticles.Valid("plain").ToJsonString()), contentType: "text/plain"),
        "webhook: over the size limit" => Webhook.SignedDelivery(TestArticles.Valid("too-large").WithBody("text", new string('x', 1_100_000))),
        "delete: bad id" => Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/Not_An_Id", []),
        "status: unknown article" => new HttpRequestMessage(HttpMethod.Get, "/api/articles/never-sent"),
        "listing: two filters and page size 0" => new HttpRequestMessage(HttpMethod.Get, "/api/articles?section=World&tag=Transport&pageSize=0"),
        "comment: every field wrong" => new HttpRequestMessage(HttpMethod.Post, "/api/comments")
        {
            Content = JsonContent.Create(new { articleId = "any-article", name = "", email = "not-an-email", website = "javascript:alert(1)", comment = "" }),
        },
        "pending: forged token" => new HttpRequestMessage(HttpMethod.Get, "/api/comments/pending?token=forged"),
        "moderation: no key" => HostApi.Moderation(HttpMethod.Get, "comments?status=held", key: null),
        "moderation: unknown status" => HostApi.Moderation(HttpMethod.Get, "comments?status=everything"),
        "moderation: bad ids and action" => HostApi.Moderation(HttpMethod.Post, "comments/Bad_Article/123/publish"),
        "moderation: export as text/plain" => WithContent(HostApi.Moderation(HttpMethod.Post, "commenters/export"), new StringContent("ana@example.test")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static HttpRequestMessage WithContent(HttpRequestMessage request, HttpContent content)
    {
        request.Content = content;
        return request;
    }

}
