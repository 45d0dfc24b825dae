using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Fluid;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ServerlessNews.Articles;
using ServerlessNews.Comments;
using ServerlessNews.Http;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Moderation;

/// <summary>
/// The moderators' console at <c>/api/moderation</c>: server-rendered pages of the theme (the queue by status, held
/// first; a commenter's page with export and erasure), plain POST forms that redirect back (so it works without
/// script), and a JSON feed of the queue that the page's small script polls for new comments. Signed in with the
/// moderation key once (<see cref="ModerationSession"/>). Decisions go through <see cref="Moderator.DecideAsync"/>,
/// as the API's do, so the article page follows every change, an undo included.
/// </summary>
public sealed partial class ModerationConsole(
    ModerationCredential credential, CommentStore store, Moderator moderator, ModerationApiHandler api, CommentFormatter formatter,
    ArticleIndex articles, PageRenderer renderer, TemplateStore templates, IOptions<SiteOptions> site, TimeProvider time,
    ILogger<ModerationConsole> logger)
{
    public const string Path = "/api/moderation";
    public const string SignInPath = Path + "/signin";
    public const string QueuePath = Path + "/queue";
    public const string Template = "moderation.liquid";
    public const string ItemTemplate = "moderationitem.liquid";
    public const string SignInTemplate = "moderationsignin.liquid";
    public const string CommenterTemplate = "moderationcommenter.liquid";

    /// <summary>Comments on one page of the queue, and at most in one bulk decision.</summary>
    public const int PageSize = 50;

    /// <summary>Comments shown for one article's filter, which has no later pages.</summary>
    private const int ArticleLimit = PageSize * 4;

    /// <summary>The held and pending tabs count up to this many.</summary>
    public const int CountLimit = 1000;

    /// <summary>How long the last decision can be undone.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromSeconds(10);

    /// <summary>The tabs, in the order a moderator works: what needs a decision first.</summary>
    public static readonly IReadOnlyList<string> Tabs = [CommentStatus.Held, CommentStatus.Pending, CommentStatus.Approved, CommentStatus.Rejected, CommentStatus.Spam];

    /// <summary>The decisions a form can post; "hold" and "requeue" exist for the undo of a held or pending comment's decision.</summary>
    private static readonly Dictionary<string, string> StatusOfAction = new(StringComparer.Ordinal)
    {
        ["approve"] = CommentStatus.Approved,
        ["reject"] = CommentStatus.Rejected,
        ["spam"] = CommentStatus.Spam,
        ["hold"] = CommentStatus.Held,
        ["requeue"] = CommentStatus.Pending,
    };

    private static readonly ConsoleActionView[] Buttons =
        [new("approve", "Approve", "a"), new("reject", "Reject", "r"), new("spam", "Spam", "s")];

    /// <summary>The console's own styles (<c>moderation.css</c> of the theme), in the layout's head on its pages only.</summary>
    private static readonly Lazy<string> Style = new(() =>
    {
        using var stream = typeof(ModerationConsole).Assembly.GetManifestResourceStream("Theme/moderation.css")
            ?? throw new InvalidOperationException("The default theme has no moderation.css.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static string ActionOf(string status) => StatusOfAction.First(a => a.Value == status).Key;

    private static string Label(string status) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(status);

    // ---- GET /api/moderation -------------------------------------------------------------------------------------

    /// <summary>The console for a signed-in moderator (the queue, or a commenter's page); else the sign-in page.</summary>
    public async Task<IResult> PageAsync(HttpRequest request, CancellationToken ct)
    {
        if (credential.Sessions.Read(request) is not { } session)
        {
            return await SignInPageAsync(request, StatusCodes.Status200OK, null, request.Query["signedout"] == "1" ? "You are signed out." : null, ct);
        }
        var (status, article, errors) = Filters(request.Query["status"], request.Query["article"]);
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }
        if (request.Query["commenter"].ToString() is { Length: > 0 } commenter)
        {
            return await CommenterPageAsync(request, session, commenter, status, article, ct);
        }
        var continuation = request.Query["continuation"].ToString();
        var (comments, next) = await ListAsync(status, article, continuation.Length == 0 ? null : continuation, ct);
        var items = await RenderItemsAsync(comments, session.CsrfToken, status, article, ct);
        var tabs = await TabsAsync(article, status, ct);
        var articleTitle = article is null ? null : (await articles.GetAsync(article, ct))?.Headline ?? article;
        var view = new ConsoleView(
            session.CsrfToken, Path, QueueUrl(status, article), Path, status, Label(status), article, articleTitle, tabs, items,
            next is null ? null : ConsoleUrl(status, article, ("continuation", next)),
            article is null ? null : ConsoleUrl(status, null),
            Notice(request.Query));
        return await PageAsync(request, Template, "Moderation", new() { ["console"] = view }, StatusCodes.Status200OK, ct);
    }

    private async Task<IResult> CommenterPageAsync(HttpRequest request, ModerationSession.Session session, string item, string status, string? article,
        CancellationToken ct)
    {
        var back = ConsoleUrl(status, article);
        var comment = ParseItem(item) is { } key ? await store.GetAsync(key.ArticleId, key.CommentId, ct) : null;
        if (comment is null)
        {
            return Redirect(request, back + "&missing=1");
        }
        var counts = await store.CountByCommenterAsync(comment.EmailHash, ct);
        var view = new CommenterView(session.CsrfToken, Path, ItemKey(comment), comment.AuthorName, History(counts), counts.Values.Sum(), back);
        return await PageAsync(request, CommenterTemplate, $"Commenter {comment.AuthorName}", new() { ["commenter"] = view }, StatusCodes.Status200OK, ct);
    }

    // ---- GET /api/moderation/queue -------------------------------------------------------------------------------

    /// <summary>
    /// The queue as JSON for the console's live updates: each item's key and the same HTML the page shows, and whether
    /// that is the whole queue (then a comment the page shows and the queue lacks was decided elsewhere).
    /// </summary>
    public async Task<IResult> QueueAsync(HttpRequest request, CancellationToken ct)
    {
        if (credential.Refuse(request) is { } refused)
        {
            return refused;
        }
        var (status, article, errors) = Filters(request.Query["status"], request.Query["article"]);
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }
        var csrf = credential.Sessions.Read(request)?.CsrfToken ?? "";
        var (comments, next) = await ListAsync(status, article, null, ct);
        var html = await RenderItemsAsync(comments, csrf, status, article, ct);
        var tabs = await TabsAsync(article, status, ct);
        NoStore(request);
        return TypedResults.Ok(new ConsoleQueue(
            status,
            tabs.Where(t => t.Count is not null).ToDictionary(t => t.Status, t => t.Count!.Value),
            comments.Select((c, i) => new ConsoleQueueItem(ItemKey(c), html[i])).ToArray(),
            // Not when an article's list was cut at its limit: the comments past it were not decided elsewhere.
            Complete: next is null && (article is null || comments.Count < ArticleLimit)));
    }

    // ---- POST /api/moderation/signin -----------------------------------------------------------------------------

    /// <summary>Takes the moderation key once and answers with the session cookie; the key is never put in a URL.</summary>
    public async Task<IResult> SignInAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return await SignInPageAsync(request, StatusCodes.Status403Forbidden, "Sign in from the console's own page.", null, ct);
        }
        var key = request.HasFormContentType ? (await request.ReadFormAsync(ct))["key"].ToString() : "";
        var check = credential.Check(request, key);
        if (check.RetryAfter is { } retryAfter)
        {
            LogSignInThrottled();
            Problems.SetRetryAfter(request, retryAfter);
            return await SignInPageAsync(request, StatusCodes.Status429TooManyRequests,
                $"Too many wrong keys from this address: try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes))} minutes.", null, ct);
        }
        if (!check.Matches)
        {
            LogSignInRefused();
            return await SignInPageAsync(request, StatusCodes.Status401Unauthorized,
                key.Length == 0 ? "Type the moderation key." : "That is not the moderation key.", null, ct);
        }
        credential.Sessions.Start(request.HttpContext);
        return Redirect(request, Path);
    }

    // ---- POST /api/moderation ------------------------------------------------------------------------------------

    /// <summary>
    /// Every change the console makes: decide one or many comments (or undo), export or erase a commenter, sign out.
    /// A form gets a redirect back to the console (post/redirect/get); the page's script asks for JSON instead.
    /// </summary>
    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        var json = WantsJson(request);
        if (credential.Sessions.Read(request) is not { } session)
        {
            return json
                ? credential.Refuse(request) ?? Problems.Status(StatusCodes.Status401Unauthorized, "Sign in again.", "The console's session has ended.")
                : await SignInPageAsync(request, StatusCodes.Status401Unauthorized, "Your session has ended: sign in again (nothing was changed).", null, ct);
        }
        if (!request.HasFormContentType)
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Post the console's form (application/x-www-form-urlencoded).");
        }
        var form = await request.ReadFormAsync(ct);
        if (!ModerationSession.IsOwnRequest(request, session, form[ModerationSession.CsrfField]))
        {
            LogForgedRequest();
            return json
                ? ModerationCredential.ForgedRequest()
                : await SignInPageAsync(request, StatusCodes.Status403Forbidden,
                    "That form did not come from your console (its security token is missing or wrong): nothing was changed. Sign in again.", null, ct);
        }
        var action = form["do"].ToString();
        var (status, article, errors) = Filters(form["status"], form["article"]);
        errors ??= [];
        var items = form["item"].Select(ParseItem).ToArray();
        if (action == "signout")
        {
            ModerationSession.End(request.HttpContext);
            return Redirect(request, Path + "?signedout=1");
        }
        if (!StatusOfAction.ContainsKey(action) && action is not ("export" or "erase"))
        {
            errors["do"] = ["Use approve, reject, spam, hold, requeue, export, erase or signout."];
        }
        if (items.Length == 0 || items.Length > PageSize || items.Any(i => i is null) || (action is "export" or "erase" && items.Length != 1))
        {
            errors["item"] = [$"Name {(action is "export" or "erase" ? "one comment" : $"1 to {PageSize} comments")} as articleId/commentId."];
        }
        if (!json && items.Length == 0 && errors.Count == 1 && errors.ContainsKey("item"))
        {
            // A bulk button pressed with nothing ticked: say so on the console rather than in ProblemDetails.
            return Redirect(request, ConsoleUrl(status, article, ("error", "select")));
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "Nothing was changed.");
        }
        var keys = items.Select(i => i!.Value).ToArray();
        return action switch
        {
            "export" => await ExportAsync(request, keys[0], status, article, ct),
            "erase" => await EraseAsync(request, keys[0], status, article, json, ct),
            _ => await DecideAsync(request, keys, StatusOfAction[action], status, article, json, ct),
        };
    }

    private async Task<IResult> DecideAsync(HttpRequest request, (string ArticleId, string CommentId)[] keys, string target, string status, string? article,
        bool json, CancellationToken ct)
    {
        var decided = new List<ConsoleDecision>();
        var missing = new List<string>();
        foreach (var (articleId, commentId) in keys)
        {
            var before = await store.GetAsync(articleId, commentId, ct);
            var after = before is null ? null : await moderator.DecideAsync(articleId, commentId, target, "moderator", ct);
            if (before is null || after is null)
            {
                missing.Add(articleId + "/" + commentId);
                continue;
            }
            decided.Add(new ConsoleDecision(ItemKey(after), DomId(after), before.Status, after.Status, before.Status != after.Status));
        }
        var changed = decided.Where(d => d.Changed).ToArray();
        var undo = changed.Length == 1 && decided.Count == 1 ? changed[0] : null;
        if (json)
        {
            var notice = NoticeFor(ActionOf(target), changed.Length, decided.Count - changed.Length, missing.Count);
            return TypedResults.Ok(new ConsoleDecisions(notice, decided, missing, undo?.Key, undo is null ? null : ActionOf(undo.From)));
        }
        var query = new List<(string, string)> { ("done", ActionOf(target)), ("n", Count(changed.Length)), ("same", Count(decided.Count - changed.Length)), ("missing", Count(missing.Count)) };
        if (undo is not null)
        {
            query.Add(("undo", undo.Key));
            query.Add(("from", undo.From));
            query.Add(("at", time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        }
        return Redirect(request, ConsoleUrl(status, article, [.. query]));
    }

    private async Task<IResult> ExportAsync(HttpRequest request, (string ArticleId, string CommentId) key, string status, string? article, CancellationToken ct)
    {
        if (await store.GetAsync(key.ArticleId, key.CommentId, ct) is not { } comment)
        {
            return Redirect(request, ConsoleUrl(status, article, ("missing", "1")));
        }
        var found = await store.ListByCommenterAsync(comment.EmailHash, ct);
        NoStore(request);
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"commenter-{comment.CommentId}.json\"";
        return TypedResults.Ok(new CommenterExport(found.Select(ModeratedComment.From).ToArray()));
    }

    private async Task<IResult> EraseAsync(HttpRequest request, (string ArticleId, string CommentId) key, string status, string? article, bool json,
        CancellationToken ct)
    {
        if (await store.GetAsync(key.ArticleId, key.CommentId, ct) is not { } comment)
        {
            return json ? Problems.NotFound($"No comment {key.CommentId} on article {key.ArticleId}.") : Redirect(request, ConsoleUrl(status, article, ("missing", "1")));
        }
        var erased = await api.EraseAsync(comment.EmailHash, ct);
        return json ? TypedResults.Ok(erased) : Redirect(request, ConsoleUrl(status, article, ("done", "erase"), ("n", Count(erased.Erased))));
    }

    // ---- Views ---------------------------------------------------------------------------------------------------

    private async Task<(IReadOnlyList<CommentEntity> Items, string? Next)> ListAsync(string status, string? article, string? continuation, CancellationToken ct)
    {
        if (article is null)
        {
            return await store.ListByStatusAsync(status, continuation, PageSize, ct);
        }
        var all = await store.ListForArticleAsync(article, status, ct);
        return (all.Take(ArticleLimit).ToArray(), null);
    }

    private async Task<List<ConsoleTabView>> TabsAsync(string? article, string current, CancellationToken ct)
    {
        var tabs = new List<ConsoleTabView>();
        foreach (var status in Tabs)
        {
            int? count = status is CommentStatus.Held or CommentStatus.Pending
                ? article is null ? await store.CountWithStatusAsync(status, CountLimit, ct) : (await store.ListForArticleAsync(article, status, ct)).Count
                : null;
            tabs.Add(new ConsoleTabView(status, Label(status), ConsoleUrl(status, article), count, status == current));
        }
        return tabs;
    }

    private async Task<string[]> RenderItemsAsync(IReadOnlyList<CommentEntity> comments, string csrf, string status, string? article, CancellationToken ct)
    {
        var template = await templates.GetAsync(ItemTemplate, ct);
        var titles = new Dictionary<string, ArticleEntity?>(StringComparer.Ordinal);
        var histories = new Dictionary<string, IReadOnlyList<ConsoleCountView>>(StringComparer.Ordinal);
        var html = new string[comments.Count];
        for (var i = 0; i < comments.Count; i++)
        {
            var c = comments[i];
            if (!titles.TryGetValue(c.ArticleId, out var entity))
            {
                titles[c.ArticleId] = entity = await articles.GetAsync(c.ArticleId, ct);
            }
            if (!histories.TryGetValue(c.EmailHash, out var history))
            {
                histories[c.EmailHash] = history = History(await store.CountByCommenterAsync(c.EmailHash, ct));
            }
            var parent = c.ParentId is { Length: > 0 } parentId ? await store.GetAsync(c.ArticleId, parentId, ct) : null;
            var view = new ConsoleItemView(
                ItemKey(c), DomId(c), c.AuthorName, c.Website, Format(c.Text), c.Status, c.Rule, c.Evidence,
                c.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                c.CreatedAt.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture),
                c.ArticleId, entity?.Headline,
                entity is { State: ArticleStates.Published, Path.Length: > 0 } ? site.Value.AbsoluteUrl(entity.Path) : null,
                ConsoleUrl(status, c.ArticleId),
                parent is null ? null : new ConsoleParentView(parent.AuthorName, Format(parent.Text), parent.Status),
                history,
                ConsoleUrl(status, article, ("commenter", ItemKey(c))),
                Buttons.Where(b => StatusOfAction[b.Action] != c.Status).ToArray(),
                csrf, Path, status, article);
            var context = new TemplateContext(PageRenderer.Options);
            context.SetValue("item", view);
            html[i] = await template.RenderAsync(context, HtmlEncoder.Default);
        }
        return html;
    }

    /// <summary>The article page's own formatter and sanitizer: a comment's text is never shown as HTML otherwise.</summary>
    private string Format(string text) => CommentFormatter.RenderProblem(text) is null ? formatter.ToHtml(text) : "<p>(This text cannot be shown.)</p>";

    private static List<ConsoleCountView> History(Dictionary<string, int> counts) =>
        Tabs.Where(counts.ContainsKey).Select(s => new ConsoleCountView(s, counts[s])).ToList();

    private ConsoleNoticeView? Notice(IQueryCollection query)
    {
        if (query["error"] == "select")
        {
            return new("Select one or more comments first: nothing was changed.", true, null, null);
        }
        if (query["missing"] == "1" && query["done"].Count == 0)
        {
            return new("That comment no longer exists (it may have been erased): nothing was changed.", true, null, null);
        }
        var done = query["done"].ToString();
        if (done.Length == 0)
        {
            return null;
        }
        int Number(string name) => int.TryParse(query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (done == "erase")
        {
            return new($"Erased the commenter: {Plural(Number("n"), "comment")} deleted, and the pages that showed them re-rendered.", false, null, null);
        }
        if (!StatusOfAction.ContainsKey(done))
        {
            return null;
        }
        var message = NoticeFor(done, Number("n"), Number("same"), Number("missing"));
        var at = long.TryParse(query["at"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue;
        var undoable = query["undo"].ToString() is { Length: > 0 } undo && ParseItem(undo) is not null && CommentStatus.All.Contains(query["from"].ToString())
            && time.GetUtcNow() - at < UndoWindow;
        return new(message.Message, message.Error, undoable ? query["undo"].ToString() : null, undoable ? ActionOf(query["from"].ToString()) : null);
    }

    private static ConsoleNoticeView NoticeFor(string action, int changed, int same, int missing)
    {
        var verb = action switch { "approve" => "Approved", "reject" => "Rejected", "spam" => "Marked as spam:", "hold" => "Held again:", _ => "Back to pending:" };
        var parts = new List<string>();
        if (changed > 0 || (same == 0 && missing == 0))
        {
            parts.Add($"{verb} {Plural(changed, "comment")}.");
        }
        if (same > 0)
        {
            parts.Add($"{Plural(same, "comment")} already had that status: nothing changed.");
        }
        if (missing > 0)
        {
            parts.Add($"{Plural(missing, "comment")} no longer {(missing == 1 ? "exists" : "exist")} (erased?): nothing changed.");
        }
        return new(string.Join(" ", parts), missing > 0, null, null);
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private async Task<IResult> SignInPageAsync(HttpRequest request, int statusCode, string? error, string? notice, CancellationToken ct) =>
        await PageAsync(request, SignInTemplate, "Sign in to moderate", new() { ["signin"] = new SignInView(SignInPath, error, notice) }, statusCode, ct);

    private async Task<IResult> PageAsync(HttpRequest request, string template, string title, Dictionary<string, object?> values, int statusCode, CancellationToken ct)
    {
        var page = new PageView($"{title} | {site.Value.Name}", title + ".", null, [new MetaTag("name", "robots", "noindex, nofollow")], null) { Wide = true };
        values["page_style"] = Style.Value;
        var html = await renderer.RenderPageAsync(template, page, values, ct);
        NoStore(request);
        var headers = request.HttpContext.Response.Headers;
        // Never framed (a click-jacked Approve button), and no key or comment in a Referer.
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers["Referrer-Policy"] = "same-origin";
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    private static void NoStore(HttpRequest request) => request.HttpContext.Response.Headers.CacheControl = "no-store";

    /// <summary>303 See Other: the browser follows with a GET, so a reload never posts a decision again.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.StatusCodeHttpResult Redirect(HttpRequest request, string url)
    {
        NoStore(request);
        request.HttpContext.Response.Headers.Location = url;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static bool WantsJson(HttpRequest request) => request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    private static (string Status, string? Article, Dictionary<string, string[]>? Errors) Filters(StringValues status, StringValues article)
    {
        var errors = new Dictionary<string, string[]>();
        var s = status.ToString() is { Length: > 0 } given ? given : CommentStatus.Held;
        if (!CommentStatus.All.Contains(s))
        {
            errors["status"] = [$"Use one of: {string.Join(", ", Tabs)}."];
        }
        var a = article.ToString() is { Length: > 0 } id ? id : null;
        if (a is not null && !SubmissionParser.IsValidArticleId(a))
        {
            errors["article"] = ["is not an article id."];
        }
        return (s, a, errors.Count == 0 ? null : errors);
    }

    public static string ConsoleUrl(string status, string? article, params (string Name, string Value)[] more)
    {
        var query = new List<KeyValuePair<string, string?>> { new("status", status) };
        if (article is not null)
        {
            query.Add(new("article", article));
        }
        query.AddRange(more.Where(p => p.Value is not ("" or "0")).Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)));
        return QueryHelpers.AddQueryString(Path, query);
    }

    private static string QueueUrl(string status, string? article) => ConsoleUrl(status, article).Replace(Path + "?", QueuePath + "?", StringComparison.Ordinal);

    public static string ItemKey(CommentEntity c) => c.ArticleId + "/" + c.CommentId;

    private static string DomId(CommentEntity c) => "c-" + c.ArticleId + "-" + c.CommentId;

    private static (string ArticleId, string CommentId)? ParseItem(string? item) =>
        item?.Split('/') is [var articleId, var commentId] && SubmissionParser.IsValidArticleId(articleId) && CommentKeys.IsCommentId(commentId)
            ? (articleId, commentId)
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A moderation console sign-in was refused: wrong or missing key")]
    private partial void LogSignInRefused();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A moderation console sign-in was refused: its address presented too many wrong keys")]
    private partial void LogSignInThrottled();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A moderation console change was refused: no valid CSRF token, or another site sent it")]
    private partial void LogForgedRequest();
}

/// <summary>The console's live-update feed: the first page of one status, each item with its rendered HTML.</summary>
public sealed record ConsoleQueue(string Status, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<ConsoleQueueItem> Items, bool Complete);

public sealed record ConsoleQueueItem(string Key, string Html);

/// <summary>One decision the console made: the status before and after (for the undo), and whether it changed.</summary>
public sealed record ConsoleDecision(string Key, string DomId, string From, string To, bool Changed);

public sealed record ConsoleDecisions(ConsoleNoticeView Notice, IReadOnlyList<ConsoleDecision> Decided, IReadOnlyList<string> Missing, string? UndoItem, string? UndoAction);
