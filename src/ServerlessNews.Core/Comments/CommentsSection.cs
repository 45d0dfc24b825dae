using Fluid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Rendering;

namespace ServerlessNews.Comments;

/// <summary>
/// Puts an article's approved comments (one partition query) and its comment form on the page, as the
/// template variables <c>comments</c> and <c>comment_form</c>. Threads are flattened in reading order with
/// each comment's nesting, so the template needs no recursion.
/// </summary>
public sealed partial class CommentsSection(
    CommentStore store, CommentFormatter formatter, IOptions<CommentOptions> options, IOptions<SiteOptions> site, SiteClock clock,
    ILogger<CommentsSection> logger) : IArticlePageSection
{
    public async Task<Action<TemplateContext>> PrepareAsync(ArticleDocument document, PageView page, RenderScope scope, CancellationToken ct)
    {
        var o = options.Value;
        var approved = await ApprovedAsync(document.Article.Id, scope, ct);
        var bodies = RenderBodies(document.Article.Id, approved);
        approved.RemoveAll(c => !bodies.ContainsKey(c.CommentId));
        var comments = new CommentsView(approved.Count, Thread(approved, o.MaxDepth, bodies));

        var closesAt = o.CloseAfterDays > 0 ? document.Article.PublishedAt.AddDays(o.CloseAfterDays) : (DateTimeOffset?)null;
        // By the site's clock, so that the page is the same whenever in the period it is rendered.
        var form = CommentFormView.For(document.Article.Id, clock.IsOpenThroughout(closesAt, scope.AsOf ?? clock.Now), o, site.Value);
        return context =>
        {
            context.SetValue("comments", comments);
            context.SetValue("comment_form", form);
        };
    }

    /// <summary>
    /// Only articles with approved comments need their partition read: a new article has none, and a batch
    /// learns which articles have any from one query of the approved status index.
    /// </summary>
    private async Task<List<CommentEntity>> ApprovedAsync(string articleId, RenderScope scope, CancellationToken ct)
    {
        if (scope.NewArticle)
        {
            return [];
        }
        if (scope.IsBatch && !(await scope.SharedAsync("commented", () => store.ArticlesWithStatusAsync(CommentStatus.Approved, ct))).Contains(articleId))
        {
            return [];
        }
        return await store.ListForArticleAsync(articleId, CommentStatus.Approved, ct);
    }

    /// <summary>
    /// Each comment's HTML by id. One that fails to render (stored before intake refused what Markdig cannot
    /// parse) is left out and logged: a single comment must not fail every render of its article's page.
    /// </summary>
    private Dictionary<string, string> RenderBodies(string articleId, List<CommentEntity> comments)
    {
        var bodies = new Dictionary<string, string>(comments.Count, StringComparer.Ordinal);
        foreach (var c in comments)
        {
            try
            {
                bodies[c.CommentId] = formatter.ToHtml(c.Text);
            }
            catch (Exception e)
            {
                LogCommentNotRendered(e, articleId, c.CommentId);
            }
        }
        return bodies;
    }

    /// <summary>
    /// Pre-order over the reply tree. A reply whose parent is not shown (held, erased) starts its own thread;
    /// nesting deeper than <paramref name="maxDepth"/> (after the setting was lowered) is shown at the deepest level.
    /// </summary>
    internal static IReadOnlyList<CommentView> Thread(List<CommentEntity> comments, int maxDepth, IReadOnlyDictionary<string, string> bodies)
    {
        var shown = comments.Select(c => c.CommentId).ToHashSet(StringComparer.Ordinal);
        var children = comments.Where(c => c.ParentId is not null && shown.Contains(c.ParentId))
            .ToLookup(c => c.ParentId!, StringComparer.Ordinal);
        var ordered = new List<(CommentEntity Comment, int Level)>(comments.Count);
        void Walk(CommentEntity c, int level)
        {
            ordered.Add((c, level));
            foreach (var child in children[c.CommentId])
            {
                Walk(child, Math.Min(level + 1, maxDepth - 1));
            }
        }
        foreach (var root in comments.Where(c => c.ParentId is null || !shown.Contains(c.ParentId)))
        {
            Walk(root, 0);
        }

        var views = new List<CommentView>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var (c, level) = ordered[i];
            var next = i + 1 < ordered.Count ? ordered[i + 1].Level : 0;
            var opens = next > level;
            views.Add(new CommentView(
                Id: c.CommentId,
                AuthorName: c.AuthorName,
                AuthorUrl: c.Website,
                PublishedIso: PageRenderer.Iso(c.CreatedAt),
                PublishedDisplay: PageRenderer.Display(c.CreatedAt),
                BodyHtml: bodies[c.CommentId],
                Depth: level + 1,
                CanReply: level + 1 < maxDepth,
                HasReplies: opens,
                Closes: opens ? [] : Enumerable.Range(0, level - next).ToArray()));
        }
        return views;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Comment {CommentId} on article {ArticleId} could not be rendered and is left out of the page")]
    private partial void LogCommentNotRendered(Exception exception, string articleId, string commentId);
}

/// <summary>One approved comment as the template sees it. <c>closes</c> counts the reply lists that end after it.</summary>
public sealed record CommentView(
    string Id,
    string AuthorName,
    string? AuthorUrl,
    string PublishedIso,
    string PublishedDisplay,
    string BodyHtml,
    int Depth,
    bool CanReply,
    bool HasReplies,
    IReadOnlyList<int> Closes);

public sealed record CommentsView(int Count, IReadOnlyList<CommentView> Items);

/// <param name="ApiBase">Where the API answers (the site's URL unless set apart): the form posts there, reply links lead there.</param>
public sealed record CommentFormView(
    string Action, string ApiBase, string ArticleId, bool Open, int MaxLength, int MaxNameLength, int MaxEmailLength, int MaxWebsiteLength)
{
    public static CommentFormView For(string articleId, bool open, CommentOptions options, SiteOptions site)
    {
        var apiBase = (options.ApiBaseUrl.Length > 0 ? options.ApiBaseUrl : site.BaseUrl).TrimEnd('/');
        return new(apiBase + "/api/comments", apiBase, articleId, open, options.MaxLength,
            CommentForm.MaxNameLength, CommentForm.MaxEmailLength, CommentForm.MaxWebsiteLength);
    }
}
