using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ServerlessNews.Comments;
using ServerlessNews.DevServer;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>
/// The DevServer with its triggers running (the moderate queue is processed for real), serving the site at
/// its own base URL, and one headless Debian Chromium driven by Playwright for the whole class.
/// </summary>
public sealed class BrowserFixture : DevServerFixture
{
    /// <summary>How long a test waits for what the queue triggers do in the background (a loaded CI machine is slow).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly Lazy<string> _url = new(() => "http://127.0.0.1:" + LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture));

    private IPlaywright? _playwright;

    protected override bool Triggers => true;

    public string Url => _url.Value;

    public IBrowser Browser { get; private set; } = null!;

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["urls"] = Url;
        settings["Site:BaseUrl"] = Url;
        settings["Comments:FloodWindow"] = "00:00:00";
        return settings;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await HeadlessChromium.LaunchAsync(_playwright);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Publishes through the live publish trigger and waits for the page.</summary>
    public async Task<string> PublishAsync(string id)
    {
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await this.SubmitAsync(TestArticles.Valid(id).With("publishedAt", at));
        return await Poll.UntilAsync(async () =>
            (await this.StatusAsync(id)) is var s && s.GetProperty("state").GetString() == "published" ? s.GetProperty("path").GetString() : null,
            Deadline, $"{id} to be published");
    }

    public async Task<JsonElement?> FindAsync(string status, Func<JsonElement, bool> match)
    {
        using var request = CommentsFixture.Moderation(HttpMethod.Get, "comments?status=" + status);
        var list = await (await Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            if (match(item))
            {
                return item;
            }
        }
        return null;
    }

    /// <summary>Records any alert/confirm/prompt/print call and any script error, before the page's own scripts run.</summary>
    public const string XssTrap = """
        window.__xss = [];
        for (const name of ['alert', 'confirm', 'prompt', 'print']) {
          window[name] = function () { window.__xss.push(name + ':' + Array.from(arguments).join(',')); };
        }
        // Script errors only: an image that fails to load (the test article's) is not a script running.
        window.addEventListener('error', e => { if (e instanceof ErrorEvent) window.__xss.push('error:' + e.message); }, true);
        """;
}

/// <summary>A reader and a moderator in a real browser against the running DevServer (issue 4, point 7).</summary>
public sealed class CommentsBrowserTests(BrowserFixture server) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> OpenAsync(string path)
    {
        var page = await server.Browser.NewPageAsync();
        await page.AddInitScriptAsync(BrowserFixture.XssTrap);
        // Only the DevServer is reachable: a request elsewhere (the article's image host) would wait on DNS
        // for as long as the machine's resolver takes to fail, and hold the load event with it.
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith(server.Url + "/", StringComparison.Ordinal)
            ? route.ContinueAsync()
            : route.AbortAsync("addressunreachable"));
        await page.GotoAsync(server.Url + path);
        return page;
    }

    private static async Task FillAsync(IPage page, string name, string email, string comment, string? website = null)
    {
        await page.GetByLabel("Comment *", new() { Exact = true }).FillAsync(comment);
        await page.GetByLabel("Name *", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Email *", new() { Exact = true }).FillAsync(email);
        if (website is not null)
        {
            await page.GetByLabel("Website", new() { Exact = true }).FillAsync(website);
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Post Comment" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("#comment-pending", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = (float)BrowserFixture.Deadline.TotalMilliseconds });
    }

    [Fact]
    public async Task A_reader_comments_sees_it_pending_and_after_approval_sees_it_on_the_page()
    {
        var path = await server.PublishAsync("browser-flow");
        var page = await OpenAsync(path);
        Assert.Equal("Leave a Reply", await page.Locator("#reply-title").TextContentAsync());
        Assert.False(await page.Locator("#comment-pending").IsVisibleAsync());

        await FillAsync(page, "Beatriz", "beatriz@example.test", "The *bridge* looks great.");

        Assert.Equal(server.Url + path + "#comment-pending", page.Url); // nothing of the comment in the address bar
        Assert.True(await page.Locator("#comment-pending").IsVisibleAsync());
        Assert.Contains("awaiting moderation", await page.Locator("#comment-pending").TextContentAsync(), StringComparison.Ordinal);
        var held = await Poll.UntilFoundAsync(() => server.FindAsync(CommentStatus.Held, i => i.GetProperty("articleId").GetString() == "browser-flow"),
            BrowserFixture.Deadline, "the comment to be held");
        Assert.Equal("pre-moderation", held.GetProperty("rule").GetString());
        var id = held.GetProperty("id").GetString()!;

        using var approve = CommentsFixture.Moderation(HttpMethod.Post, $"comments/browser-flow/{id}/approve");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(approve)).StatusCode);
        // A reload revalidates the page (it may be cached for a minute, as a CDN would).
        await page.ReloadAsync();

        var comment = page.Locator("#comment-" + id);
        Assert.Equal("Beatriz", (await comment.Locator(".comment-author").TextContentAsync())?.Trim());
        Assert.Equal("The bridge looks great.", (await comment.Locator(".comment-content").InnerTextAsync()).Trim());

        // Replying: the link moves the form under the comment and the reply nests under it.
        await comment.GetByRole(AriaRole.Link, new() { Name = "Reply to Beatriz" }).ClickAsync();
        Assert.Equal(id, await page.Locator("#comment-parent").InputValueAsync());
        await FillAsync(page, "Carlos", "carlos@example.test", "Agreed.");
        var reply = await Poll.UntilFoundAsync(() => server.FindAsync(CommentStatus.Held, i => i.GetProperty("name").GetString() == "Carlos"),
            BrowserFixture.Deadline, "the reply to be held");
        Assert.Equal(id, reply.GetProperty("parentId").GetString());
        Assert.Empty((IEnumerable<object>)await page.EvaluateAsync<object[]>("window.__xss"));
    }

    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private static async Task AssertNoWcagViolationAsync(IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] } });
        Assert.True(result.Violations.Length == 0, what + ": " + string.Join("; ", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Select(n => n.Html))}")));
    }

    /// <summary>
    /// Issue 22, points 4 and 5: the reader's own comment is on the page, marked as awaiting moderation in a status
    /// region, until it is approved; a form the server refuses comes back as the error page. axe-core (WCAG 2.1 AA)
    /// finds nothing on any of the three.
    /// </summary>
    [Fact]
    public async Task A_readers_own_comment_awaits_moderation_on_the_page_until_approved_and_every_view_passes_axe()
    {
        var path = await server.PublishAsync("browser-pending");
        var page = await OpenAsync(path);

        await FillAsync(page, "Dora", "dora@example.test", "Mind the <b>gap</b>, please.");

        var pending = page.Locator("#comment-pending");
        Assert.Equal("status", await pending.GetAttributeAsync("role"));
        Assert.True(await pending.IsVisibleAsync());
        Assert.Equal("Mind the <b>gap</b>, please.", await pending.Locator(".comment-content").TextContentAsync());
        Assert.Contains("awaiting moderation", await pending.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#comment-pending b").CountAsync());
        await AssertNoWcagViolationAsync(page, "the pending view");
        // Still there after a reload: it is the reader's, kept in this tab, not in the address.
        await page.ReloadAsync();
        Assert.Equal("Mind the <b>gap</b>, please.", await pending.Locator(".comment-content").TextContentAsync());
        Assert.Equal(server.Url + path + "#comment-pending", page.Url);

        var held = await Poll.UntilFoundAsync(() => server.FindAsync(CommentStatus.Held, i => i.GetProperty("articleId").GetString() == "browser-pending"),
            BrowserFixture.Deadline, "the comment to be held");
        var id = held.GetProperty("id").GetString()!;
        using var approve = CommentsFixture.Moderation(HttpMethod.Post, $"comments/browser-pending/{id}/approve");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(approve)).StatusCode);

        // The page's script learns it and says so; the pending copy goes.
        await page.WaitForFunctionAsync("() => !document.querySelector('#comment-pending .comment-content') && document.getElementById('comment-pending').textContent.includes('approved')",
            null, new() { Timeout = (float)BrowserFixture.Deadline.TotalMilliseconds });
        await page.ReloadAsync();
        // Raw HTML is text in comments, on the page as in the pending view.
        Assert.Equal("Mind the <b>gap</b>, please.", (await page.Locator("#comment-" + id + " .comment-content").InnerTextAsync()).Trim());
        Assert.False(await pending.IsVisibleAsync());
        await AssertNoWcagViolationAsync(page, "the article with comments");

        // A website the browser accepts but the server refuses: the error page, the form again as typed.
        await page.GetByLabel("Comment *", new() { Exact = true }).FillAsync("<script>alert(1)</script> typed");
        await page.GetByLabel("Name *", new() { Exact = true }).FillAsync("Dora");
        await page.GetByLabel("Email *", new() { Exact = true }).FillAsync("dora@example.test");
        await page.GetByLabel("Website", new() { Exact = true }).FillAsync("javascript:alert(2)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post Comment" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/api/comments", StringComparison.Ordinal), new() { Timeout = (float)BrowserFixture.Deadline.TotalMilliseconds });
        Assert.Equal("Your comment was not posted", await page.Locator("main h1").TextContentAsync());
        Assert.Equal("<script>alert(1)</script> typed", await page.Locator("#comment").InputValueAsync());
        Assert.Equal(1, await page.Locator(".errors a[href='#url']").CountAsync());
        await AssertNoWcagViolationAsync(page, "the error page");
        Assert.Empty(await page.EvaluateAsync<string[]>("window.__xss"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_comment_with_two_links_is_held_and_the_api_shows_why()
    {
        var path = await server.PublishAsync("browser-links");
        var page = await OpenAsync(path);
        await FillAsync(page, "Linker", "linker@example.test", "Read https://one.example.test and https://two.example.test");

        var held = await Poll.UntilFoundAsync(() => server.FindAsync(CommentStatus.Held, i => i.GetProperty("articleId").GetString() == "browser-links"),
            BrowserFixture.Deadline, "the comment to be held");
        Assert.Equal("links", held.GetProperty("rule").GetString());
        Assert.Contains("2 links", held.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owasp_vectors_approved_on_a_page_execute_nothing_in_the_browser()
    {
        var path = await server.PublishAsync("browser-xss");
        var readers = 0;
        var accepted = await XssCorpus.PostAllAsync(server.Client, "browser-xss",
            () => ($"203.0.113.{Interlocked.Increment(ref readers) % 250}", $"xss{readers}@example.test"));
        // The live moderate trigger decides them first; approving after it keeps its verdicts from landing later.
        await Poll.UntilAsync(async () => await server.FindAsync(CommentStatus.Pending, i => i.GetProperty("articleId").GetString() == "browser-xss") is null ? "done" : null,
            BrowserFixture.Deadline, "the comment to be moderated");
        await XssCorpus.ApproveAllAsync(server, "browser-xss", accepted);

        var page = await OpenAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(accepted.Count, await page.Locator(".comment-list li.comment").CountAsync());
        // Hover and focus everything a vector might have hooked, then look for anything that ran.
        await page.EvaluateAsync("""
            () => {
              for (const element of document.querySelectorAll('.comment-list *')) {
                for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus', 'focusin', 'animationstart']) {
                  element.dispatchEvent(new Event(type, { bubbles: true }));
                }
              }
            }
            """);
        Assert.Empty(await page.EvaluateAsync<string[]>("window.__xss"));
        var live = Html.Parse(await page.ContentAsync());
        XssCorpus.AssertInert(live);
        await page.CloseAsync();
    }
}
