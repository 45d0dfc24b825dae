using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Moderation;

/// <summary>
/// A moderator in a real Chromium, keyboard only, against the DevServer with its triggers running: sign in, decide one,
/// undo, bulk-spam, erase a commenter after confirmation, and see a new comment arrive without a reload. axe (WCAG 2.1
/// AA) and the Nu Html Checker look at the pages on the way.
/// </summary>
public sealed class ConsoleBrowserTests(BrowserFixture server) : IClassFixture<BrowserFixture>
{
    private static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private static readonly float Deadline = (float)BrowserFixture.Deadline.TotalMilliseconds;

    private async Task<string> CommentAsync(string articleId, string name, string email, string text)
    {
        var response = await server.Client.PostAsJsonAsync("/api/comments", new { articleId, name, email, comment = text });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private Task<JsonElement> HeldAsync(string id) =>
        Poll.UntilFoundAsync(() => server.FindAsync("held", i => i.GetProperty("id").GetString() == id), BrowserFixture.Deadline, $"comment {id} to be held");

    private async Task ApproveAsync(string articleId, string id)
    {
        using var approve = CommentsFixture.Moderation(HttpMethod.Post, $"comments/{articleId}/{id}/approve");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(approve)).StatusCode);
    }

    private static string Key(string articleId, string id) => $"li.item[data-key='{articleId}/{id}']";

    /// <summary>Presses Tab until the focused element matches (a keyboard user's way to a control).</summary>
    private static async Task TabToAsync(IPage page, string selector, int limit = 60)
    {
        for (var i = 0; i < limit; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement && document.activeElement.matches(s)", selector))
            {
                return;
            }
        }
        Assert.Fail($"Tab never reached {selector}");
    }

    /// <summary>Presses j (or k, when it is above) until the focused queue item is <paramref name="selector"/>.</summary>
    private static async Task NextToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 30; i++)
        {
            var direction = await page.EvaluateAsync<int>("""
                s => {
                  const items = [...document.querySelectorAll('li.item')];
                  const target = items.indexOf(document.querySelector(s));
                  const current = items.indexOf(document.activeElement);
                  return target < 0 ? 2 : Math.sign(target - current);
                }
                """, selector);
            if (direction == 0)
            {
                return;
            }
            Assert.True(direction != 2, $"{selector} is not in the queue");
            await page.Keyboard.PressAsync(direction > 0 ? "j" : "k");
        }
        Assert.Fail($"j and k never reached {selector}");
    }

    private static async Task<string> AxeAsync(IPage page, string name)
    {
        var problems = new StringBuilder();
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. AxeTags] } });
        foreach (var violation in result.Violations)
        {
            problems.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {violation.Id} ({violation.Impact}) {violation.Help}: {string.Join(" | ", violation.Nodes.Select(n => n.Html))}");
        }
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name} scrolls sideways");
        return problems.ToString();
    }

    private async Task<bool> OnPageAsync(string path, string commentId) =>
        Html.Parse(await server.Client.GetStringAsync(new Uri(path, UriKind.Relative))).QuerySelector("#comment-" + commentId) is not null;

    [Fact]
    public async Task A_moderator_works_the_queue_with_the_keyboard_alone()
    {
        var path = await server.PublishAsync("console-keys");
        var held = await CommentAsync("console-keys", "Ana", "ana@example.test", "First, a *held* comment.");
        var spam = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            spam.Add(await CommentAsync("console-keys", "Bot " + i, $"bot{i}@example.test", $"Cheap watches {i}"));
        }
        var erased1 = await CommentAsync("console-keys", "Eve", "eve@example.test", "Eve's first.");
        var erased2 = await CommentAsync("console-keys", "Eve", "eve@example.test", "Eve's second.");
        foreach (var id in spam.Append(held).Append(erased1).Append(erased2))
        {
            await HeldAsync(id);
        }
        await ApproveAsync("console-keys", erased1);
        Assert.True(await OnPageAsync(path, erased1));

        var context = await server.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.Url + "/api/moderation");
        var violations = await AxeAsync(page, "sign-in");

        // Sign in: Tab to the key, type it, Enter.
        await TabToAsync(page, "#key");
        await page.Keyboard.TypeAsync(StorageFixture.ModerationKey);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#queue", new() { Timeout = Deadline });
        await page.WaitForSelectorAsync(Key("console-keys", erased2), new() { Timeout = Deadline });
        violations += await AxeAsync(page, "console");

        // Approve the held comment: j to it, a. It leaves the queue and reaches the article page.
        await NextToAsync(page, Key("console-keys", held));
        await page.Keyboard.PressAsync("a");
        await page.WaitForSelectorAsync(Key("console-keys", held), new() { State = WaitForSelectorState.Detached, Timeout = Deadline });
        Assert.Equal("Approved 1 comment.", await page.Locator("#notice p").TextContentAsync());
        Assert.True(await OnPageAsync(path, held));

        // Spam one by mistake, then u: it is back in the queue.
        await NextToAsync(page, Key("console-keys", spam[0]));
        await page.Keyboard.PressAsync("s");
        await page.WaitForSelectorAsync(Key("console-keys", spam[0]), new() { State = WaitForSelectorState.Detached, Timeout = Deadline });
        await page.Keyboard.PressAsync("u");
        await page.WaitForSelectorAsync(Key("console-keys", spam[0]), new() { Timeout = Deadline });
        Assert.Equal("held", (await server.FindAsync("held", i => i.GetProperty("id").GetString() == spam[0]))?.GetProperty("status").GetString());

        // Bulk: x selects each of the three, s marks them all as spam.
        foreach (var id in spam)
        {
            await NextToAsync(page, Key("console-keys", id));
            await page.Keyboard.PressAsync("x");
        }
        await page.Keyboard.PressAsync("s");
        foreach (var id in spam)
        {
            await page.WaitForSelectorAsync(Key("console-keys", id), new() { State = WaitForSelectorState.Detached, Timeout = Deadline });
            Assert.NotNull(await server.FindAsync("spam", i => i.GetProperty("id").GetString() == id));
        }
        Assert.Equal("Marked as spam: 3 comments.", await page.Locator("#notice p").TextContentAsync());

        // A new comment appears without a reload, announced.
        var late = await CommentAsync("console-keys", "Late", "late@example.test", "Arrived while you worked.");
        await page.WaitForSelectorAsync(Key("console-keys", late), new() { Timeout = Deadline });
        Assert.Equal("1 new comment.", await page.Locator("#arrivals").TextContentAsync());

        // Another moderator approves it: it leaves this queue without a reload, announced.
        await HeldAsync(late);
        await ApproveAsync("console-keys", late);
        await page.WaitForSelectorAsync(Key("console-keys", late), new() { State = WaitForSelectorState.Detached, Timeout = Deadline });
        Assert.Equal("1 comment decided elsewhere.", await page.Locator("#arrivals").TextContentAsync());

        // Erase Eve: from her held comment to her page, then the confirmation's button.
        await NextToAsync(page, Key("console-keys", erased2));
        await TabToAsync(page, $"{Key("console-keys", erased2)} .history a");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("form.erase", new() { Timeout = Deadline });
        Assert.Contains("1 held, 1 approved", await page.Locator("main").TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("eve@example.test", await page.ContentAsync(), StringComparison.Ordinal);
        violations += await AxeAsync(page, "commenter");
        await TabToAsync(page, "form.erase button");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#notice p", new() { Timeout = Deadline });
        Assert.StartsWith("Erased the commenter: 2 comments deleted", await page.Locator("#notice p").TextContentAsync(), StringComparison.Ordinal);
        Assert.False(await OnPageAsync(path, erased1));
        Assert.True(await OnPageAsync(path, held));

        Assert.True(violations.Length == 0, "axe violations:\n" + violations);
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_Nu_Html_Checker_finds_no_error_on_the_console_and_its_sign_in_page()
    {
        await server.PublishAsync("console-html");
        var parent = await CommentAsync("console-html", "Cy", "cy@example.test", "A parent with a [link](https://example.test).");
        await HeldAsync(parent);
        await ApproveAsync("console-html", parent);
        var reply = await server.Client.PostAsJsonAsync("/api/comments", new { articleId = "console-html", parentId = parent, name = "Bo", email = "bo@example.test", comment = "A reply." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HeldAsync(replyId);

        using var console = new ConsoleClient(new Uri(server.Url));
        var (cookie, _) = await console.SignInAsync();
        var folder = Directory.CreateTempSubdirectory("console-html-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "signin.html"), await console.Http.GetStringAsync(new Uri("/api/moderation", UriKind.Relative)));
            var html = await (await console.Http.SendAsync(ConsoleClient.Get("/api/moderation?status=held&article=console-html", cookie))).Content.ReadAsStringAsync();
            Assert.Contains("A parent with a", Html.Parse(html).QuerySelector($"li.item[data-key='console-html/{replyId}'] .parent")?.TextContent, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "console.html"), html);
            var messages = await NuHtmlChecker.CheckAsync(folder.FullName, ["signin.html", "console.html"]);
            var errors = messages.Where(m => m.Type is "error" or "non-document-error").ToList();
            Assert.True(errors.Count == 0, "Nu Html Checker errors:\n" + string.Join('\n', errors.Select(e => $"{Path.GetFileName(e.Url)}:{e.Line}: {e.Message}")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
