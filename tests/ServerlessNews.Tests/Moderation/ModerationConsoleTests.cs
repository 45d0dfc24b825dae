using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Moderation;

/// <summary>The console's sign-in, session cookie, CSRF protection and bad input, over HTTP against the DevServer and Azurite.</summary>
public sealed class ModerationConsoleTests(CommentsFixture server) : IClassFixture<CommentsFixture>, IDisposable
{
    private readonly ConsoleClient _console = new(server.Client.BaseAddress!);

    public void Dispose() => _console.Dispose();

    private async Task<string> HeldCommentAsync(string articleId, string text)
    {
        var id = await server.PostAsync(articleId, text);
        await server.DrainModerateQueueAsync();
        Assert.Equal(CommentStatus.Held, (await server.CommentAsync(articleId, id))!.Status);
        return id;
    }

    [Fact]
    public async Task An_address_that_presents_ten_wrong_keys_is_refused_even_the_right_one_and_others_are_not()
    {
        const string guesser = "203.0.113.77";
        HttpRequestMessage From(string address, HttpRequestMessage request)
        {
            request.Headers.Add("X-Forwarded-For", address);
            return request;
        }
        for (var i = 0; i < 10; i++)
        {
            var wrong = await _console.Http.SendAsync(From(guesser, i % 2 == 0
                ? ConsoleClient.SignIn($"guess-{i}-of-the-moderation-key")
                : CommentsFixture.Moderation(HttpMethod.Get, "comments?status=held", key: $"guess-{i}-of-the-moderation-key")));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Its tries are used up: the right key is refused too, at the sign-in and in the API's header.
        var signIn = await _console.Http.SendAsync(From(guesser, ConsoleClient.SignIn(StorageFixture.ModerationKey)));
        Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
        Assert.True(signIn.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.StartsWith("Too many wrong keys from this address", Html.Parse(await signIn.Content.ReadAsStringAsync()).GetElementById("key-error")?.TextContent, StringComparison.Ordinal);
        var api = await _console.Http.SendAsync(From(guesser, CommentsFixture.Moderation(HttpMethod.Get, "comments?status=held")));
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        // Another address signs in as ever.
        Assert.Equal(HttpStatusCode.SeeOther, (await _console.Http.SendAsync(From("203.0.113.78", ConsoleClient.SignIn(StorageFixture.ModerationKey)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _console.Http.SendAsync(From("203.0.113.78", CommentsFixture.Moderation(HttpMethod.Get, "comments?status=held")))).StatusCode);
    }

    [Fact]
    public async Task Signing_in_with_the_key_gives_a_strict_http_only_cookie_that_lists_and_decides()
    {
        await server.PublishAsync("console-signin");
        var id = await HeldCommentAsync("console-signin", "A *fine* point <script>alert(1)</script> https://one.example.test");

        var signInPage = await _console.Http.SendAsync(ConsoleClient.Get(ConsoleClient.Page, null));
        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        Assert.NotNull(Html.Parse(await signInPage.Content.ReadAsStringAsync()).QuerySelector("form[action='/api/moderation/signin'] input[type=password][name=key]"));
        var wrong = await _console.Http.SendAsync(ConsoleClient.SignIn("not-the-moderation-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        var response = await _console.Http.SendAsync(ConsoleClient.SignIn(StorageFixture.ModerationKey));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/api/moderation", response.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/api/moderation", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain(StorageFixture.ModerationKey, setCookie, StringComparison.Ordinal);

        var (cookie, csrf) = await _console.SignInAsync();
        var page = await _console.Http.SendAsync(ConsoleClient.Get(ConsoleClient.Page, cookie));
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var html = Html.Parse(await page.Content.ReadAsStringAsync());
        var item = html.QuerySelector($"li.item[data-key='console-signin/{id}']")!;
        Assert.NotNull(item);
        Assert.Equal("fine", item.QuerySelector(".comment-text em")?.TextContent);
        Assert.Null(item.QuerySelector("script"));
        Assert.Contains("<script>alert(1)</script>", item.QuerySelector(".comment-text")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("pre-moderation", item.QuerySelector(".verdict code")?.TextContent);
        Assert.Equal("Harbour bridge reopens after repairs", item.QuerySelector(".meta a")?.TextContent);
        Assert.Contains("1 held", item.QuerySelector(".history")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Held", "Pending", "Approved", "Rejected", "Spam"], html.QuerySelectorAll(".tabs a").Select(a => a.TextContent.Split(' ')[0]));

        // The cookie lists through the JSON API too, and decides with its CSRF token.
        Assert.Equal(HttpStatusCode.OK, (await _console.Http.SendAsync(ConsoleClient.Get("/api/moderation/comments?status=held", cookie))).StatusCode);
        var decided = await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "approve"), ("item", $"console-signin/{id}"), ("status", "held")));
        Assert.Equal(HttpStatusCode.SeeOther, decided.StatusCode);
        Assert.StartsWith("/api/moderation?status=held&done=approve&n=1", decided.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(CommentStatus.Approved, (await server.CommentAsync("console-signin", id))!.Status);
        var after = Html.Parse(await (await _console.Http.SendAsync(ConsoleClient.Get(decided.Headers.Location.OriginalString, cookie))).Content.ReadAsStringAsync());
        Assert.Equal("Approved 1 comment.", after.QuerySelector("#notice p")?.TextContent);
        Assert.Equal("hold", after.QuerySelector("#notice button[name=do]")?.GetAttribute("value"));

        // Signing out ends the session in this browser.
        var signOut = await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "signout")));
        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Contains("expires=thu, 01 jan 1970", signOut.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_cross_site_post_with_the_cookie_but_without_the_CSRF_token_gets_403_and_changes_nothing()
    {
        await server.PublishAsync("console-csrf");
        var id = await HeldCommentAsync("console-csrf", "Hold me.");
        var (cookie, csrf) = await _console.SignInAsync();

        // What another site's auto-submitting form makes the browser send (were the cookie not SameSite=Strict).
        var attack = ConsoleClient.Post(cookie, ("do", "approve"), ("item", $"console-csrf/{id}"));
        attack.Headers.Add("Origin", "https://evil.example.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await _console.Http.SendAsync(attack)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", "forged"), ("do", "spam"), ("item", $"console-csrf/{id}")))).StatusCode);
        var crossSite = ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "reject"), ("item", $"console-csrf/{id}"));
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await _console.Http.SendAsync(crossSite)).StatusCode);
        var erase = ConsoleClient.Post(cookie, ("do", "erase"), ("item", $"console-csrf/{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await _console.Http.SendAsync(erase)).StatusCode);
        // The JSON API with the cookie alone: the same.
        var api = new HttpRequestMessage(HttpMethod.Post, $"/api/moderation/comments/console-csrf/{id}/approve");
        api.Headers.Add("Cookie", cookie);
        var refused = await _console.Http.SendAsync(api);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var comment = await server.CommentAsync("console-csrf", id);
        Assert.Equal(CommentStatus.Held, comment!.Status);

        // With the token, the API accepts the cookie's change.
        var allowed = new HttpRequestMessage(HttpMethod.Post, $"/api/moderation/comments/console-csrf/{id}/reject");
        allowed.Headers.Add("Cookie", cookie);
        allowed.Headers.Add(ModerationSession.CsrfHeader, csrf);
        Assert.Equal(HttpStatusCode.OK, (await _console.Http.SendAsync(allowed)).StatusCode);
    }

    [Theory]
    [InlineData("moderation-session=forged.1999999999.AAAA")]
    [InlineData("moderation-session=")]
    [InlineData(null)]
    public async Task A_missing_or_forged_cookie_gets_the_sign_in_page_or_401_ProblemDetails(string? cookie)
    {
        var page = await _console.Http.SendAsync(ConsoleClient.Get(ConsoleClient.Page, cookie));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.NotNull(Html.Parse(await page.Content.ReadAsStringAsync()).QuerySelector("input[name=key]"));
        var queue = await _console.Http.SendAsync(ConsoleClient.Get("/api/moderation/queue", cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, queue.StatusCode);
        Assert.Equal("application/problem+json", queue.Content.Headers.ContentType?.MediaType);
        var post = await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("do", "approve"), ("item", "a/0000000000000000000a")));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }

    [Fact]
    public void A_session_expires_after_eight_hours_and_a_new_key_signs_everyone_out()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = new ModerationOptions { Key = "a-moderation-key-of-some-length" };
        var sessions = new ModerationSession(Options.Create(options), clock);
        var signIn = new DefaultHttpContext();
        var started = sessions.Start(signIn);
        var cookie = signIn.Response.Headers.SetCookie.ToString().Split(';')[0];
        HttpRequest Later()
        {
            var context = new DefaultHttpContext();
            context.Request.Headers.Cookie = cookie;
            return context.Request;
        }

        Assert.Equal(started.CsrfToken, sessions.Read(Later())?.CsrfToken);
        options.Key = "another-moderation-key-of-some-length";
        Assert.Null(sessions.Read(Later()));
        options.Key = "a-moderation-key-of-some-length";
        clock.Advance(TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1));
        Assert.NotNull(sessions.Read(Later()));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(sessions.Read(Later()));
    }

    [Fact]
    public async Task Unknown_comments_already_decided_ones_and_unknown_actions_get_clear_answers_and_change_nothing()
    {
        await server.PublishAsync("console-bad");
        var id = await HeldCommentAsync("console-bad", "Decide me.");
        var (cookie, csrf) = await _console.SignInAsync();

        var unknown = await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "approve"), ("item", "console-bad/ffffffffffffffffffff")));
        Assert.Equal(HttpStatusCode.SeeOther, unknown.StatusCode);
        var notice = Html.Parse(await (await _console.Http.SendAsync(ConsoleClient.Get(unknown.Headers.Location!.OriginalString, cookie))).Content.ReadAsStringAsync())
            .QuerySelector("#notice p.error")?.TextContent;
        Assert.Equal("1 comment no longer exists (erased?): nothing changed.", notice);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "comments/console-bad/ffffffffffffffffffff/approve"))).StatusCode);

        var badAction = await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "publish"), ("item", $"console-bad/{id}")));
        Assert.Equal(HttpStatusCode.BadRequest, badAction.StatusCode);
        var problem = await badAction.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("do", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, $"comments/console-bad/{id}/publish"))).StatusCode);
        Assert.Equal(CommentStatus.Held, (await server.CommentAsync("console-bad", id))!.Status);

        // A bulk button with nothing ticked: the console says so; the script's JSON call gets ProblemDetails naming the field.
        var none = await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "spam"), ("status", "held")));
        Assert.Equal(HttpStatusCode.SeeOther, none.StatusCode);
        Assert.Equal("Select one or more comments first: nothing was changed.",
            Html.Parse(await (await _console.Http.SendAsync(ConsoleClient.Get(none.Headers.Location!.OriginalString, cookie))).Content.ReadAsStringAsync())
                .QuerySelector("#notice p.error")?.TextContent);
        var noneJson = ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "spam"));
        noneJson.Headers.Add("Accept", "application/json");
        var noneProblem = await _console.Http.SendAsync(noneJson);
        Assert.Equal(HttpStatusCode.BadRequest, noneProblem.StatusCode);
        Assert.True((await noneProblem.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("item", out _));

        // Deciding what is already decided: 200, the same comment, nothing changed.
        await server.ModerateAsync("console-bad", id, "reject");
        var decidedAt = (await server.CommentAsync("console-bad", id))!.DecidedAt;
        var again = new HttpRequestMessage(HttpMethod.Post, ConsoleClient.Page)
        {
            Content = new FormUrlEncodedContent([new("csrf", csrf), new("do", "reject"), new("item", $"console-bad/{id}")]),
        };
        again.Headers.Add("Cookie", cookie);
        again.Headers.Add("Accept", "application/json");
        var answer = await _console.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var result = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(result.GetProperty("decided")[0].GetProperty("changed").GetBoolean());
        Assert.Equal(decidedAt, (await server.CommentAsync("console-bad", id))!.DecidedAt);
    }

    [Fact]
    public async Task Undo_restores_the_previous_status_through_the_same_decision_and_the_page_follows()
    {
        var path = await server.PublishAsync("console-undo");
        var id = await HeldCommentAsync("console-undo", "Approve me, then think again.");
        var (cookie, csrf) = await _console.SignInAsync();

        await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "approve"), ("item", $"console-undo/{id}")));
        Assert.NotNull(Html.Parse(await server.Client.GetStringAsync(new Uri(path, UriKind.Relative))).QuerySelector("#comment-" + id));
        await _console.Http.SendAsync(ConsoleClient.Post(cookie, ("csrf", csrf), ("do", "hold"), ("item", $"console-undo/{id}")));

        Assert.Equal(CommentStatus.Held, (await server.CommentAsync("console-undo", id))!.Status);
        Assert.Null(Html.Parse(await server.Client.GetStringAsync(new Uri(path, UriKind.Relative))).QuerySelector("#comment-" + id));
    }
}
