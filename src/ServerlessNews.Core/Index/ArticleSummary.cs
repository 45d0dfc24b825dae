using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessNews.Articles;

namespace ServerlessNews.Index;

/// <summary>
/// What a list of articles shows of each one (listing pages, feeds, sitemaps, related articles, the listing API), as
/// table rows store it: flat columns, the authors and tags as JSON lists. The article's own row, each of its listing
/// rows and the listing heads (which keep listing rows as JSON) carry these fields through this one type.
/// </summary>
public abstract class ArticleSummary
{
    public long Revision { get; set; }
    public string Headline { get; set; } = "";
    public string? Summary { get; set; }
    public string Path { get; set; } = "";
    public string Section { get; set; } = "";

    /// <summary>JSON list of names; see <see cref="AuthorNames"/>.</summary>
    public string Authors { get; set; } = "[]";

    /// <summary>JSON list of names; see <see cref="TagNames"/>.</summary>
    public string Tags { get; set; } = "[]";

    public DateTimeOffset PublishedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>When the article last changed: what feeds and sitemaps call its modification time.</summary>
    [IgnoreDataMember, JsonIgnore]
    public DateTimeOffset ModifiedAt => UpdatedAt ?? PublishedAt;

    public IReadOnlyList<string> AuthorNames() => Names(Authors);

    public IReadOnlyList<string> TagNames() => Names(Tags);

    /// <summary>The column form of a list of names.</summary>
    public static string JsonList(IReadOnlyList<string> names) => JsonSerializer.Serialize(names, ArticlesJsonContext.Default.IReadOnlyListString);

    private static IReadOnlyList<string> Names(string json) => JsonSerializer.Deserialize(json, ArticlesJsonContext.Default.IReadOnlyListString) ?? [];

    /// <summary>Sets this row's summary fields to those of <paramref name="article"/>.</summary>
    public void SetSummary(ArticleSubmission article, string path)
    {
        Revision = article.Revision;
        Headline = article.Headline;
        Summary = article.Summary;
        Path = path;
        Section = article.Section;
        Authors = JsonList(article.Authors);
        Tags = JsonList(article.Tags);
        PublishedAt = article.PublishedAt;
        UpdatedAt = article.UpdatedAt;
    }

    /// <summary>Sets this row's summary fields to those of another row.</summary>
    public void SetSummary(ArticleSummary other)
    {
        Revision = other.Revision;
        Headline = other.Headline;
        Summary = other.Summary;
        Path = other.Path;
        Section = other.Section;
        Authors = other.Authors;
        Tags = other.Tags;
        PublishedAt = other.PublishedAt;
        UpdatedAt = other.UpdatedAt;
    }
}
