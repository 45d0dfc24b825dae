using ServerlessNews.Articles;

namespace ServerlessNews.Rendering;

/// <summary>Public paths of the site's listing pages.</summary>
public static class SitePaths
{
    public static string Section(string section) => $"/{Slug.ForSection(section)}/";
    public static string Tag(string tag) => $"/tag/{Slug.From(tag)}/";
    public static string Author(string author) => $"/author/{Slug.From(author)}/";
}
