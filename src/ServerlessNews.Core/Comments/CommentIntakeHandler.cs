using System.Text;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Http;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Comments;

/// <summary>
/// <c>POST /api/comments</c>: validates, stores the comment as pending and queues it for moderation before
/// answering. The page's form without JavaScript (form-encoded) gets 303 back to the article's
/// <c>#comment-pending</c> fragment, which the page shows as "awaiting moderation" (CSS <c>:target</c>); a form with
/// errors gets a page listing them with the form again (<see cref="CommentFormErrorsPage"/>). JSON (the page's script,
/// other clients) gets 202 with a signed token for the comment's status, or ProblemDetails.
/// An accepted comment costs one Table write (its row in the pending index, so moderators, export and erasure see it
/// at once) and one queue send: the article comes from a short-lived cache, the flood window is kept in memory, and
/// the moderator writes the row of record, registers the comment under its commenter and applies the checks that
/// need every instance's view (flood, article still published).
/// A reply also reads its parent.
/// </summary>
public sealed partial class CommentIntakeHandler(
    CommentStore store,
    FloodGate flood,
    CommentRateLimits rates,
    CommentKeys keys,
    PublishedArticleCache published,
    CommentFormErrorsPage formErrors,
    ArticleIndex articles,
    QueueServiceClient queues,
    IOptions<CommentOptions> options,
    IOptions<SiteOptions> site,
    TimeProvider time,
    ILogger<CommentIntakeHandler> logger)
{
    /// <summary>The 303 after a form post names the comment it accepted here (its page URL carries nothing).</summary>
    public const string CommentIdHeader = "Comment-Id";

    private readonly QueueClient _moderate = queues.GetQueueClient(StorageNames.ModerateQueue);

    private CommentOptions Options => options.Value;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var isForm = RequestBody.HasMediaType(request, "application/x-www-form-urlencoded");
        if (!isForm && !RequestBody.HasMediaType(request, "application/json"))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                "Post the comment form as application/x-www-form-urlencoded, or JSON as application/json (UTF-8).");
        }
        if (!CheckOrigin(request))
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Origin not allowed.",
                "Comments are accepted only from the site's own pages (setting Comments__AllowedOrigins).");
        }
        var limit = Options.MaxLength * 4 + 8 * 1024;
        var body = await RequestBody.ReadLimitedAsync(request, limit, ct);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"The limit is {limit} bytes.");
        }

        var errors = new ValidationErrors();
        var posted = isForm ? CommentForm.FromUrlEncoded(Encoding.UTF8.GetString(body), errors) : CommentForm.FromJson(body, errors);
        var form = posted?.Validate(errors, Options.MaxLength);
        ArticleEntity? article = null;
        CommentEntity? parent = null;
        if (form is not null && errors.IsEmpty)
        {
            (article, parent) = await CheckTargetAsync(form, errors, ct);
        }
        if (form is null || !errors.IsEmpty || article is null)
        {
            if (!isForm)
            {
                return Problems.Validation(errors.ToDictionary());
            }
            // The way back needs the article's path, also when other fields were wrong.
            if (article is null && SubmissionParser.IsValidArticleId(posted?.ArticleId))
            {
                article = await articles.GetAsync(posted!.ArticleId!, ct);
            }
            // A reader who posted the form gets a page, not JSON: what was wrong, and the way back.
            return TypedResults.Content(await formErrors.RenderAsync(errors, article, posted, ct), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var ipHash = keys.IpHash(ClientAddress.BucketOf(request, Options.TrustForwardedFor));
        var emailHash = keys.EmailHash(form.Email!);
        var now = time.GetUtcNow();
        if (!flood.TryClaim(ipHash, emailHash, now))
        {
            LogFlood(form.ArticleId!);
            var seconds = Problems.SetRetryAfter(request, Options.FloodWindow);
            return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many comments.",
                $"Only one comment every {seconds} seconds is accepted from one address or email; nothing was stored. Wait and post again.");
        }
        if (rates.TryAcquire(form.ArticleId!) is { } limited)
        {
            flood.Release(ipHash, emailHash, now);
            LogRateLimited(form.ArticleId!, limited.Limit);
            var seconds = Problems.SetRetryAfter(request, limited.RetryAfter);
            return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many comments.",
                $"More comments than usual are arriving on {limited.Limit}; nothing was stored. Post again in {seconds} seconds.");
        }

        var comment = new CommentEntity
        {
            PartitionKey = form.ArticleId!,
            RowKey = keys.NewCommentId(),
            ArticleId = form.ArticleId!,
            ParentId = parent?.CommentId,
            Depth = parent is null ? 0 : parent.Depth + 1,
            AuthorName = form.Name!,
            Website = form.Website,
            EmailHash = emailHash,
            IpHash = ipHash,
            Text = form.Comment!,
            HoneypotFilled = !string.IsNullOrEmpty(form.Homepage),
            ContentHash = keys.ContentHash(emailHash, form.Comment!),
            Status = CommentStatus.Pending,
            CreatedAt = now,
            PageCurrent = true,
        };
        comment.CommentId = comment.RowKey;
        try
        {
            await store.AddAsync(comment, ct);
            await _moderate.SendMessageAsync(new ModerateMessage(comment.ArticleId, comment.CommentId).ToJson(), ct);
        }
        catch
        {
            // Not accepted (503, or the reader went away): the reader may retry at once, and the row goes.
            flood.Release(ipHash, emailHash, now);
            await RemoveUnqueuedAsync(comment);
            throw;
        }
        LogAccepted(comment.ArticleId, comment.CommentId);

        AllowOrigin(request);
        if (isForm)
        {
            // 303 See Other: the browser follows with a GET, so reloading the article does not post again. The fragment
            // shows the notice (CSS :target) and never leaves the browser; a token in the page's URL would reach the
            // static site's and the CDN's logs, the history and shared links. The comment's id is a header for scripts.
            request.HttpContext.Response.Headers.Location = site.Value.AbsoluteUrl(article.Path) + "#comment-pending";
            request.HttpContext.Response.Headers[CommentIdHeader] = comment.CommentId;
            return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
        }
        var token = keys.PendingToken(comment.ArticleId, comment.CommentId, Options.PendingTokenLifetime);
        var statusUrl = "/api/comments/pending?token=" + Uri.EscapeDataString(token);
        return TypedResults.Accepted(statusUrl, new AcceptedComment(comment.CommentId, comment.ArticleId, comment.Status, statusUrl, token));
    }

    /// <summary>
    /// <c>GET /api/comments/reply?articleId=&amp;parentId=</c>: the form for a reply to one comment, as a page, for a
    /// reader without JavaScript (the page's reply links lead here; with JavaScript they move the page's own form).
    /// The same checks as a post: a reply to a comment that cannot take one gets the error page instead.
    /// </summary>
    public async Task<IResult> ReplyFormAsync(HttpRequest request, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var form = new CommentForm(request.Query["articleId"].ToString(), request.Query["parentId"].ToString(), null, null, null, null, null);
        if (!SubmissionParser.IsValidArticleId(form.ArticleId))
        {
            errors.Add("articleId", "is not an article id.");
        }
        if (!CommentKeys.IsCommentId(form.ParentId))
        {
            errors.Add("parentId", "is not a comment id.");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        var (article, parent) = await CheckTargetAsync(form, errors, ct);
        if (article is not null && parent is not null && errors.IsEmpty)
        {
            return TypedResults.Content(await formErrors.RenderReplyAsync(article, parent, ct), "text/html; charset=utf-8", Encoding.UTF8);
        }
        return TypedResults.Content(await formErrors.RenderAsync(errors, article, form with { ParentId = null }, ct), "text/html; charset=utf-8", Encoding.UTF8,
            StatusCodes.Status404NotFound);
    }

    private async Task RemoveUnqueuedAsync(CommentEntity comment)
    {
        try
        {
            await store.DeleteNewAsync(comment, CancellationToken.None);
        }
        catch (Exception e) when (Problems.IsStorageOutage(e))
        {
            LogUnqueued(comment.ArticleId, comment.CommentId);
        }
    }

    /// <summary>
    /// The article must be published (as this instance saw it within <see cref="PublishedArticleCache.Lifetime"/>) and
    /// open; a parent must be a visible comment of the same article.
    /// </summary>
    private async Task<(ArticleEntity?, CommentEntity?)> CheckTargetAsync(CommentForm form, ValidationErrors errors, CancellationToken ct)
    {
        var article = await published.GetPublishedAsync(form.ArticleId!, ct);
        if (article is null)
        {
            errors.Add("articleId", "No published article has this id.");
            return (null, null);
        }
        if (Options.CloseAfterDays > 0 && time.GetUtcNow() > article.PublishedAt.AddDays(Options.CloseAfterDays))
        {
            errors.Add("articleId", $"Comments on this article are closed (they close {Options.CloseAfterDays} days after publication).");
            return (article, null);
        }
        if (form.ParentId is null)
        {
            return (article, null);
        }
        var parent = await store.GetAsync(form.ArticleId!, form.ParentId, ct);
        if (parent is null || parent.Status is not (CommentStatus.Approved or CommentStatus.Pending or CommentStatus.Held))
        {
            errors.Add("parentId", "No comment with this id is on this article.");
        }
        else if (parent.Depth + 1 >= Options.MaxDepth)
        {
            errors.Add("parentId", $"Replies nest at most {Options.MaxDepth} levels deep; reply to an earlier comment in the thread.");
        }
        return (article, parent);
    }

    private bool CheckOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || AllowedOrigins().Contains(origin, StringComparer.OrdinalIgnoreCase);
    }

    private static void AllowOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            request.HttpContext.Response.Headers.AccessControlAllowOrigin = origin;
            request.HttpContext.Response.Headers.Vary = "Origin";
        }
    }

    public IEnumerable<string> AllowedOrigins() =>
        Options.AllowedOrigins.Length > 0
            ? Options.AllowedOrigins.Select(o => o.TrimEnd('/'))
            : [new Uri(site.Value.BaseUrl).GetLeftPart(UriPartial.Authority)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted comment {CommentId} on article {ArticleId} for moderation")]
    private partial void LogAccepted(string articleId, string commentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Comment {CommentId} on article {ArticleId} was stored but could be neither queued nor removed (storage unavailable): its row stays, listed as pending, and the next start of a host queues it")]
    private partial void LogUnqueued(string articleId, string commentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a comment on article {ArticleId}: flood window")]
    private partial void LogFlood(string articleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a comment on article {ArticleId}: the rate limit of {Limit}")]
    private partial void LogRateLimited(string articleId, string limit);
}

/// <param name="Token">For the <c>Comment-Token</c> header of <c>GET /api/comments/pending</c> (the page's script sends it so).</param>
public sealed record AcceptedComment(string Id, string ArticleId, string Status, string StatusUrl, string Token);
