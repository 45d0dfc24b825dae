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

        // The page's script sends the token in a header, out of URLs; a rejection is told, so the author stops waiting.
        async Task<string?> StatusAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/comments/pending");
            request.Headers.Add(CommentStatusHandler.TokenHeader, body.GetProperty("token").GetString());
            return (await (await server.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
        }
        await server.DrainModerateQueueAsync();
        Assert.Equal("awaiting moderation", await StatusAsync());
        await server.ModerateAsync("intake-json", id, "reject");
        Assert.Equal("rejected", await StatusAsync());
        await server.ModerateAsync("intake-json", id, "approve");
        Assert.Equal("approved", await StatusAsync());
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

    /// <summary>Issue 22, point 4: each error links to its field, and the form comes back as typed, escaped (an XSS attempt typed in).</summary>
    [Fact]
    public async Task A_form_with_errors_gets_the_sites_page_listing_each_error_linked_to_its_field_with_the_form_again_as_typed()
    {
        var path = await server.PublishAsync("intake-form-errors");
        const string attack = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
        var fields = FormFields("intake-form-errors", "no-at-sign");
        fields["comment"] = "";
        fields["name"] = "Ana " + attack;
        fields["website"] = "javascript:alert(3)//" + attack;
        var response = await server.NoRedirects.SendAsync(server.Form(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var page = Html.Parse(html);
        // A page of the site's theme, in its layout (the phone's viewport too), that search engines leave out.
        Assert.Equal("Your comment was not posted", page.QuerySelector("main h1")!.TextContent);
        Assert.Equal("The Test Times", page.QuerySelector("header .logo img")!.GetAttribute("alt"));
        Assert.Equal("noindex", page.Meta("robots"));
        Assert.Equal("width=device-width, initial-scale=1", page.Meta("viewport"));
        // Each error links to its field, which is marked invalid.
        var links = page.QuerySelectorAll(".errors li a").ToDictionary(a => a.TextContent, a => a.GetAttribute("href"));
        Assert.Equal(new Dictionary<string, string?> { ["Email"] = "#email", ["Comment"] = "#comment", ["Website"] = "#url" }, links);
        var form = page.QuerySelector("main form.comment-form")!;
        foreach (var href in links.Values)
        {
            Assert.Equal("true", form.QuerySelector(href!)!.GetAttribute("aria-invalid"));
        }
        Assert.Null(form.QuerySelector("#author")!.GetAttribute("aria-invalid"));
        // The form again with what was typed, as text: the attack is a value, nothing of it runs.
        Assert.Equal(StorageFixture.BaseUrl + "/api/comments", form.GetAttribute("action"));
        Assert.Equal("intake-form-errors", form.QuerySelector("input[name=articleId]")!.GetAttribute("value"));
        Assert.Equal("Ana " + attack, form.QuerySelector("input[name=name]")!.GetAttribute("value"));
        Assert.Equal("no-at-sign", form.QuerySelector("input[name=email]")!.GetAttribute("value"));
        Assert.Equal(fields["website"], form.QuerySelector("input[name=website]")!.GetAttribute("value"));
        Assert.Empty(form.QuerySelectorAll("script, img"));
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(StorageFixture.BaseUrl + path + "#respond", page.QuerySelectorAll("main a").Single(a => a.TextContent == "Back to the article").GetAttribute("href"));

        // Valid HTML, by the Nu Html Checker.
        var folder = Directory.CreateTempSubdirectory("comment-errors-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "errors.html"), html);
            var messages = await NuHtmlChecker.CheckAsync(folder, ["errors.html"]);
            Assert.True(!messages.Any(m => m.Type == "error"), string.Join("\n", messages.Select(m => $"{m.Line}: {m.Message}")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Issue 22, point 4: without JavaScript a comment's reply link opens a form with the parent set.</summary>
    [Fact]
    public async Task A_reply_without_javascript_stays_a_reply()
    {
        var path = await server.PublishAsync("intake-reply-nojs");
        var parent = await server.PostAsync("intake-reply-nojs", "The first word.", name: "Dana");
        await server.ModerateAsync("intake-reply-nojs", parent, "approve");
        var article = Html.Parse((await server.PageAsync(path))!);
        var link = article.QuerySelector($"#comment-{parent} a.comment-reply-link")!;

        var response = await server.Client.GetAsync(new Uri(new Uri(link.GetAttribute("href")!).PathAndQuery, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Reply to Dana", page.QuerySelector("main h1")!.TextContent);
        Assert.Equal("Replying to Dana.", page.QuerySelector("main .reply-to")!.TextContent);
        Assert.Equal("noindex", page.Meta("robots"));
        var form = page.QuerySelector("main form.comment-form")!;
        // The browser posts every field of the form: the parent is one of them.
        var posted = form.QuerySelectorAll("input, textarea").Where(e => e.GetAttribute("name") is not null)
            .ToDictionary(e => e.GetAttribute("name")!, e => e.GetAttribute("value") ?? "");
        Assert.Equal(parent, posted["parentId"]);
        var reader = server.NewReader();
        posted["name"] = "Eli";
        posted["email"] = reader.Email;
        posted["comment"] = "A reply, without JavaScript.";
        var reply = await server.NoRedirects.SendAsync(server.Form(posted, reader.Ip));

        Assert.Equal(HttpStatusCode.SeeOther, reply.StatusCode);
        var stored = await server.CommentAsync("intake-reply-nojs", reply.Headers.GetValues(CommentIntakeHandler.CommentIdHeader).Single());
        Assert.Equal(parent, stored!.ParentId);
        Assert.Equal(1, stored.Depth);

        // A reply to a comment not on the page gets the error page, not a form that would start a new thread unawares.
        var unknown = await server.Client.GetAsync(new Uri("/api/comments/reply?articleId=intake-reply-nojs&parentId=" + new string('0', parent.Length), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No comment with this id", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await server.DrainModerateQueueAsync();
    }

    /// <summary>Issue 22, point 4: a closed article invites nothing.</summary>
    [Fact]
    public async Task A_closed_article_shows_neither_a_comment_count_of_zero_nor_a_reply_heading()
    {
        var path = await server.PublishAsync("intake-closed-quiet", DateTimeOffset.UtcNow.AddDays(-15));

        var page = Html.Parse((await server.PageAsync(path))!);

        Assert.Equal("Comments are closed.", page.QuerySelector(".comments-closed")!.TextContent);
        Assert.DoesNotContain(page.QuerySelectorAll("h2"), h => h.TextContent.Contains("Comment", StringComparison.Ordinal) || h.TextContent == "Leave a Reply");
        Assert.Null(page.QuerySelector("#comment-pending"));
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

        // Intake stores a comment as its pending row (the moderator writes its row of record).
        var rows = await server.Table(StorageNames.CommentsTable)
            .QueryAsync<CommentEntity>(c => c.PartitionKey == CommentEntity.StatusPartition(CommentStatus.Pending) && c.ArticleId == "flood").ToListAsync();
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
