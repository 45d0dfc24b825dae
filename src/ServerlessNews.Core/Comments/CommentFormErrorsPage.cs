using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Comments;

/// <summary>
/// The comment form as a page of the site's theme (<c>commenterrors.liquid</c> in the site's layout), not indexed: what
/// a reader who posted the page's form with errors gets (each problem linked to its field, and the form again with
/// what they typed), and the reply form a comment's reply link leads to without JavaScript (the parent set, so the
/// reply stays a reply).
/// </summary>
public sealed class CommentFormErrorsPage(PageRenderer renderer, IOptions<SiteOptions> site, IOptions<CommentOptions> options)
{
    public const string Template = "commenterrors.liquid";
    public const string Title = "Your comment was not posted";

    /// <param name="article">The article the comment was for, when known: the way back leads to its form.</param>
    /// <param name="posted">What the reader typed, shown again in the form (never the honeypot).</param>
    public Task<string> RenderAsync(ValidationErrors errors, ArticleEntity? article, CommentForm? posted, CancellationToken ct) =>
        RenderAsync(Title, errors, article, posted, replyTo: null, ct);

    /// <summary>The form for a reply to <paramref name="parent"/>.</summary>
    public Task<string> RenderReplyAsync(ArticleEntity article, CommentEntity parent, CancellationToken ct) =>
        RenderAsync("Reply to " + parent.AuthorName, new ValidationErrors(), article,
            new CommentForm(article.PartitionKey, parent.CommentId, null, null, null, null, null), parent.AuthorName, ct);

    private Task<string> RenderAsync(string title, ValidationErrors errors, ArticleEntity? article, CommentForm? posted, string? replyTo, CancellationToken ct)
    {
        var articleUrl = article is { Path.Length: > 0 } ? site.Value.AbsoluteUrl(article.Path) : null;
        var problems = errors.ToDictionary();
        // The form again, unless there is no article to post to, or it takes no comments.
        var form = article is not null && !problems.ContainsKey("articleId")
            ? CommentFormView.For(article.PartitionKey, open: true, options.Value, site.Value)
            : null;
        var view = new CommentFormErrorsView(
            title,
            [.. problems.SelectMany(field => field.Value.Select(message => new FieldErrorView(FieldLabel(field.Key), message, form is null ? null : FieldId(field.Key))))],
            BackUrl: articleUrl is null ? site.Value.AbsoluteUrl("/") : articleUrl + "#respond",
            form,
            new CommentFormValues(posted?.ParentId, posted?.Name, posted?.Email, posted?.Website, posted?.Comment,
                [.. problems.Keys.Select(FieldId).OfType<string>()]),
            replyTo);
        var page = new PageView(title, title + ".", articleUrl ?? site.Value.AbsoluteUrl("/"), [new MetaTag("name", "robots", "noindex")], null);
        return renderer.RenderPageAsync(Template, page, new Dictionary<string, object?> { ["form_errors"] = view }, ct);
    }

    private static string FieldLabel(string field) => field switch
    {
        "name" => "Name",
        "email" => "Email",
        "website" => "Website",
        "comment" => "Comment",
        "articleId" => "Article",
        "parentId" => "Reply",
        _ => field,
    };

    /// <summary>The id of the form's field for a posted field (the article page's form uses the same ids).</summary>
    private static string? FieldId(string field) => field switch
    {
        "name" => "author",
        "email" => "email",
        "website" => "url",
        "comment" => "comment",
        _ => null,
    };
}

/// <summary>One problem with a posted form: the field as the form labels it, what is wrong, and the field's id when the form has it.</summary>
public sealed record FieldErrorView(string Field, string Message, string? FieldId);

/// <summary>What the reader typed, and the ids of the fields that were wrong.</summary>
public sealed record CommentFormValues(string? ParentId, string? Name, string? Email, string? Website, string? Comment, IReadOnlyList<string> Invalid);

public sealed record CommentFormErrorsView(
    string Heading, IReadOnlyList<FieldErrorView> Errors, string BackUrl, CommentFormView? Form, CommentFormValues Values, string? ReplyTo);
