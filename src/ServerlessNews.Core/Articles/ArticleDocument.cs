using System.Globalization;

namespace ServerlessNews.Articles;

/// <summary>
/// The normalized article kept in the <c>content</c> container: the submission plus the public path it
/// was first published at. Every re-render (theme change, new comment) starts from this document.
/// </summary>
public sealed record ArticleDocument(ArticleSubmission Article, string Path)
{
    public string PageBlobName => PageBlobNameFor(Path);

    public static string PageBlobNameFor(string path) => path.TrimStart('/') + "index.html";

    /// <summary>A stable, readable path: <c>/world/2026/11/27/harbour-bridge-reopens/</c>.</summary>
    public static string PathFor(ArticleSubmission article) =>
        string.Create(CultureInfo.InvariantCulture,
            $"/{Slug.ForSection(article.Section)}/{article.PublishedAt:yyyy}/{article.PublishedAt:MM}/{article.PublishedAt:dd}/{article.Id}/");
}
