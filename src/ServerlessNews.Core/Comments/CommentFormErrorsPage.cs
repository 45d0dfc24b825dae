using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Comments;

/// <summary>
/// What a reader who posted the page's form with errors gets: a page of the site's theme
/// (<c>commenterrors.liquid</c> in the site's layout) naming each problem, with the way back to the form. Not indexed.
/// </summary>
public sealed class CommentFormErrorsPage(PageRenderer renderer, IOptions<SiteOptions> site)
{
    public const string Template = "commenterrors.liquid";
    public const string Title = "Your comment was not posted";

    /// <param name="article">The article the comment was for, when known: the way back leads to its form.</param>
    public Task<string> RenderAsync(ValidationErrors errors, ArticleEntity? article, CancellationToken ct)
    {
        var articleUrl = article is { Path.Length: > 0 } ? site.Value.AbsoluteUrl(article.Path) : null;
        var view = new CommentFormErrorsView(
            [.. errors.ToDictionary().SelectMany(field => field.Value.Select(message => new FieldErrorView(FieldLabel(field.Key), message)))],
            BackUrl: articleUrl is null ? site.Value.AbsoluteUrl("/") : articleUrl + "#respond");
        var page = new PageView(Title, Title + ".", articleUrl ?? site.Value.AbsoluteUrl("/"), [new MetaTag("name", "robots", "noindex")], null);
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
}

/// <summary>One problem with a posted form: the field as the form labels it, and what is wrong.</summary>
public sealed record FieldErrorView(string Field, string Message);

public sealed record CommentFormErrorsView(IReadOnlyList<FieldErrorView> Errors, string BackUrl);
