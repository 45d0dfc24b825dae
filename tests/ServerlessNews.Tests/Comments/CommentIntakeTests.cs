using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ServerlessNews.Comments;
using ServerlessNews.DevServer;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>POST /api/comments over real HTTP (DevServer) against a real Azurite (issue 4, point 2).</summary>
public sealed class CommentIntakeTests(CommentsFixture server) : IClassFixture<CommentsFixture>
{
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<int> CountCommentRowsAsync() =>
        await server.Table(StorageNames.CommentsTable).QueryAsync<TableEntity>(select: ["PartitionKey"]).CountAsync();

    private static Dictionary<string, string> FormFields(string articleId, string email) => new()
    {
        ["articleId"] = articleId,
        ["parentId"] = "",
        ["name"] = "Ana Reader",
        ["email"] = email,
        ["website"] = "",
        ["comment"] = "A fair summary of the repairs.",
        ["homepage"] = "",
    };

    [Fact]
    public async Task The_form_post_is_stored_and_queued_then_303_back_to_the_article_with_no_token_in_its_url()
    {
        var path = await server.PublishAsync("intake-form");
        var reader = server.NewReader();

        var response = await server.NoRedirects.SendAsync(server.Form(FormFields("intake-form", reader.Email), reader.Ip));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(StorageFixture.BaseUrl + path, location.GetLeftPart(UriPartial.Path));
        Assert.Equal("#comment-pending", location.Fragment);
        // Nothing secret in the page's URL: it reaches the static site's logs, the history and shared links.
        Assert.Equal("", location.Query);
        var ids = (ArticleId: "intake-form", CommentId: response.Headers.GetValues(CommentIntakeHandler.CommentIdHeader).Single());

        // Durable before the answer: the pending row of record and the moderate message exist.
        var comment = await server.CommentAsync("intake-form", ids.CommentId);
        Assert.NotNull(comment);
        Assert.Equal(CommentStatus.Pending, comment.Status);
        Assert.Equal("A fair summary of the repairs.", comment.Text);
        Assert.DoesNotContain(reader.Email, JsonSerializer.Serialize(comment), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(reader.Ip, JsonSerializer.Serialize(comment), StringComparison.Ordinal);
        Assert.Equal(64, comment.EmailHash.Length);
        var messages = (await server.Queue(StorageNames.ModerateQueue).PeekMessagesAsync(32)).Value;
        Assert.Contains(messages, m => m.MessageText.Contains(ids.CommentId, StringComparison.Ordinal));
        // And its pending index row, so that moderators list it before any moderator runs (the moderator registers it
        // under its commenter).
        Task<NullableResponse<TableEntity>> IndexRowAsync(string status) => server.Table(StorageNames.CommentsTable).GetEntityIfExistsAsync<TableEntity>(
            CommentEntity.StatusPartition(status), CommentEntity.StatusRowKey("intake-form", ids.CommentId));
        Assert.True((await IndexRowAsync(CommentStatus.Pending)).HasValue);

        // The page says so without JavaScript: the fragment targets the notice, which CSS shows on :target.
        var page = Html.Parse((await server.PageAsync(path))!);
        var notice = page.GetElementById("comment-pending")!;
        Assert.Contains("awaiting moderation", notice.TextContent, StringComparison.Ordinal);
        Assert.Equal("status", notice.GetAttribute("role"));
        // And no third party learns the article's URL with its query from the Referer.
        Assert.Equal("strict-origin-when-cross-origin", page.Meta("referrer"));

        await server.DrainModerateQueueAsync();
        Assert.True((await IndexRowAsync(CommentStatus.Held)).HasValue);
        Assert.False((await IndexRowAsync(CommentStatus.Pending)).HasValue);
    }

    [Fact]
    public async Task Json_gets_202_with_the_comment_id_and_a_status_url()
    {
        await server.PublishAsync("intake-json");
        var response = await server.NoRedirects.SendAsync(server.Json(new
        {
            articleId = "intake-json",
            name = "Tom",
            email = server.NewReader().Email,
            website = "https://tom.example.test/blog",
            comment = "Good news for commuters.",
        }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        Assert.True(CommentKeys.IsCommentId(id));
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.Equal(body.GetProperty("statusUrl").GetString(), response.Headers.Location?.ToString());
        Assert.False(body.TryGetProperty("email", out _));
        var stored = await server.CommentAsync("intake-json", id);
        Assert.Equal("https://tom.example.test/blog", stored!.Website);
        var pending = await server.Client.GetFromJsonAsync<JsonElement>(response.Headers.Location!.ToString());
        Assert.Equal("awaiting moderation", pending.GetProperty("status").GetString());
        await server.DrainModerateQueueAsync();
    }

    [Fact]
    public async Task Every_bad_field_is_named_and_nothing_is_stored()
    {
        await server.PublishAsync("intake-invalid");
        var before = await CountCommentRowsAsync();
        var response = await server.Client.SendAsync(server.Json(new
        {
            articleId = "intake-invalid",
            parentId = "not-a-comment",
            name = new string('n', 246),
            email = "not an email",
            website = "javascript:alert(1)",
            comment = new string('c', 8001),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["comment", "email", "name", "parentId", "website"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("245", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("8000", errors.GetProperty("comment")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("http", errors.GetProperty("website")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountCommentRowsAsync());

        var missing = await server.Client.SendAsync(server.Json(new { articleId = "intake-invalid" }));
        var missingErrors = (await ProblemAsync(missing)).GetProperty("errors");
        Assert.Equal(["comment", "email", "name"], missingErrors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var tooLongEmail = await server.Client.SendAsync(server.Json(new
        {
            articleId = "intake-invalid",
            name = "A",
            comment = "x",
            email = new string('e', 90) + "@example.test",
            website = "ftp://example.test/",
        }));
        var emailErrors = (await ProblemAsync(tooLongEmail)).GetProperty("errors");
        Assert.Contains("100", emailErrors.GetProperty("email")[0].GetString(), StringComparison.Ordinal);
        Assert.True(emailErrors.TryGetProperty("website", out _));
        Assert.Equal(before, await CountCommentRowsAsync());
    }

    [Fact]
    public async Task A_form_with_errors_gets_a_page_listing_them_with_a_way_back()
    {
        var path = await server.PublishAsync("intake-form-errors");
        var fields = FormFields("intake-form-errors", "no-at-sign");
        fields["comment"] = "";
        var response = await server.NoRedirects.SendAsync(server.Form(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        var problems = page.QuerySelectorAll(".errors li").Select(li => li.TextContent).ToArray();
        Assert.Contains(problems, p => p.StartsWith("Email", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Comment", StringComparison.Ordinal));
        Assert.Equal(StorageFixture.BaseUrl + path + "#respond", page.QuerySelector("main a")!.GetAttribute("href"));
        // A page of the site's theme, in its layout, that search engines leave out.
        Assert.Equal("Your comment was not posted", page.QuerySelector("main h1")!.TextContent);
        Assert.Equal("The Test Times", page.QuerySelector("header .logo img")!.GetAttribute("alt"));
        Assert.Equal("noindex", page.Meta("robots"));
    }

    [Fact]
    public async Task A_theme_override_restyles_the_form_error_page()
    {
        await server.PublishAsync("intake-form-themed");
        var templates = server.Container(StorageNames.TemplatesContainer);
        await templates.UploadBlobAsync(CommentFormErrorsPage.Template, BinaryData.FromString(
            "<h1 class=\"custom\">Not posted</h1><ol>{% for e in form_errors.errors %}<li>{{ e.field }}: {{ e.message }}</li>{% endfor %}</ol>"));
        try
        {
            var fields = FormFields("intake-form-themed", server.NewReader().Email);
            fields["comment"] = "";
            var response = await server.NoRedirects.SendAsync(server.Form(fields));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var page = Html.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Not posted", page.QuerySelector("main h1.custom")!.TextContent);
            Assert.StartsWith("Comment: ", page.QuerySelector("main ol li")!.TextContent, StringComparison.Ordinal);
        }
        finally
        {
            await templates.DeleteBlobAsync(CommentFormErrorsPage.Template);
        }
    }

    [Fact]
    public async Task The_article_must_exist_be_published_and_open_and_a_parent_must_be_on_the_same_article()
    {
        await server.PublishAsync("intake-open");
        await server.PublishAsync("intake-closed", DateTimeOffset.UtcNow.AddDays(-15));
        await server.PublishAsync("intake-other");
        var other = await server.PostAsync("intake-other", "On another article.");

        async Task<JsonElement> ErrorsAsync(object body) =>
            (await ProblemAsync(await server.Client.SendAsync(server.Json(body)))).GetProperty("errors");

        var email = server.NewReader().Email;
        var unknown = await ErrorsAsync(new { articleId = "no-such-article", name = "A", email, comment = "Hello" });
        Assert.Contains("No published article", unknown.GetProperty("articleId")[0].GetString(), StringComparison.Ordinal);

        var closed = await ErrorsAsync(new { articleId = "intake-closed", name = "A", email, comment = "Hello" });
        Assert.Contains("closed", closed.GetProperty("articleId")[0].GetString(), StringComparison.Ordinal);

        var wrongParent = await ErrorsAsync(new { articleId = "intake-open", parentId = other, name = "A", email, comment = "Hello" });
        Assert.Contains("No comment", wrongParent.GetProperty("parentId")[0].GetString(), StringComparison.Ordinal);

        var closedPage = Html.Parse((await server.PageAsync((await server.StatusAsync("intake-closed")).GetProperty("path").GetString()!))!);
        Assert.Null(closedPage.QuerySelector("form.comment-form"));
        Assert.Equal("Comments are closed.", closedPage.QuerySelector(".comments-closed")!.TextContent);
        await server.DrainModerateQueueAsync();
    }

    [Fact]
    public async Task Only_the_sites_origin_may_post_and_it_is_allowed_by_cors()
    {
        await server.PublishAsync("intake-origin");
        var foreign = server.Json(new { articleId = "intake-origin", name = "A", email = server.NewReader().Email, comment = "Hi" });
        foreign.Headers.Add("Origin", "https://evil.example.test");
        var refused = await server.Client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var own = server.Json(new { articleId = "intake-origin", name = "A", email = server.NewReader().Email, comment = "Hi" });
        own.Headers.Add("Origin", StorageFixture.BaseUrl);
        var accepted = await server.Client.SendAsync(own);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(StorageFixture.BaseUrl, accepted.Headers.GetValues("Access-Control-Allow-Origin").Single());
        await server.DrainModerateQueueAsync();
    }

    [Fact]
    public async Task Other_media_types_get_415()
    {
        var response = await server.Client.PostAsync("/api/comments", new StringContent("name=A", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}

/// <summary>The flood window, with its default of 15 seconds (issue 4, point 2).</summary>
public sealed class CommentFloodTests(FloodFixture server) : IClassFixture<FloodFixture>
{
    [Fact]
    public async Task A_second_comment_within_15_seconds_from_the_same_address_or_email_gets_429_and_is_not_stored()
    {
        await server.PublishAsync("flood");
        var first = server.NewReader();
        var ok = await server.Client.SendAsync(server.Json(new { articleId = "flood", name = "A", email = first.Email, comment = "First" }, first.Ip));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);

        var sameIp = await server.Client.SendAsync(server.Json(new { articleId = "flood", name = "A", email = server.NewReader().Email, comment = "Second" }, first.Ip));
        Assert.Equal(HttpStatusCode.TooManyRequests, sameIp.StatusCode);
        Assert.Equal("application/problem+json", sameIp.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(15), sameIp.Headers.RetryAfter?.Delta);

        var sameEmail = await server.Client.SendAsync(server.Json(new { articleId = "flood", name = "A", email = first.Email.ToUpperInvariant(), comment = "Third" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, sameEmail.StatusCode);

        var rows = await server.Table(StorageNames.CommentsTable).QueryAsync<CommentEntity>(c => c.PartitionKey == "flood").ToListAsync();
        Assert.Single(rows);

        var other = server.NewReader();
        var another = await server.Client.SendAsync(server.Json(new { articleId = "flood", name = "B", email = other.Email, comment = "Fourth" }, other.Ip));
        Assert.Equal(HttpStatusCode.Accepted, another.StatusCode);
        await server.DrainModerateQueueAsync();
    }

    [Fact]
    public async Task A_flood_spread_over_two_instances_is_held_by_the_moderation_flood_rule()
    {
        await server.PublishAsync("flood-instances");
        var settings = server.Settings();
        settings["urls"] = "http://127.0.0.1:0";
        settings["DevServer:DisableTriggers"] = "true";
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var second = await DevServerApp.BuildAsync([], settings);
        await second.StartAsync();
        using var secondClient = new HttpClient { BaseAddress = new Uri(second.Urls.First()) };

        async Task<string> PostAsync(HttpClient client, string email, string ip, string text)
        {
            var response = await client.SendAsync(server.Json(new { articleId = "flood-instances", name = "A", email, comment = text }, ip));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
        var reader = server.NewReader();
        var first = await PostAsync(server.Client, reader.Email, reader.Ip, "First");
        await server.DrainModerateQueueAsync();
        // Each instance keeps its own window, so the second one accepts these; moderation sees every instance's.
        var sameIp = await PostAsync(secondClient, server.NewReader().Email, reader.Ip, "Same address");
        var sameEmail = await PostAsync(secondClient, reader.Email.ToUpperInvariant(), server.NewReader().Ip, "Same email");
        var stranger = server.NewReader();
        var unrelated = await PostAsync(secondClient, stranger.Email, stranger.Ip, "Someone else");
        await server.DrainModerateQueueAsync();

        Assert.Equal(ModerationRules.PreModeration, (await server.CommentAsync("flood-instances", first))!.Rule);
        Assert.Equal(ModerationRules.PreModeration, (await server.CommentAsync("flood-instances", unrelated))!.Rule);
        foreach (var (id, what) in new[] { (sameIp, "same address"), (sameEmail, "same email address") })
        {
            var comment = (await server.CommentAsync("flood-instances", id))!;
            Assert.Equal((CommentStatus.Held, ModerationRules.Flood), (comment.Status, comment.Rule));
            Assert.Contains($"Comment {first} on flood-instances came from the {what}", comment.Evidence, StringComparison.Ordinal);
        }
    }
}
