namespace ServerlessNews.Articles;

public enum ArticleStatus
{
    Published,
    Killed,
    Embargoed,
}

public enum BodyFormat
{
    Markdown,
    Html,
    Text,
}

/// <param name="Url">An absolute http(s) URL, or an image uploaded to the <c>images</c> container as <c>images/NAME</c>.</param>
/// <param name="Caption">Shown under the image; optional (documents stored before captions existed have none).</param>
/// <param name="Credit">Who made or owns the image ("Photo: Ana Ruiz/Reuters"); optional.</param>
public sealed record ArticleImage(string Url, string Alt, string? Caption = null, string? Credit = null);

public sealed record Correction(DateTimeOffset At, string Text);

public sealed record ArticleBody(BodyFormat Format, string Content);

/// <summary>A validated article submission, as the CMS sent it (webhook body or inbox file).</summary>
public sealed record ArticleSubmission
{
    public required string Id { get; init; }

    /// <summary>
    /// Orders revisions of one article: the explicit <c>revision</c>, else <c>updatedAt</c>, else
    /// <c>publishedAt</c> (as Unix milliseconds). A CMS should use one scheme per article.
    /// </summary>
    public required long Revision { get; init; }

    public ArticleStatus Status { get; init; } = ArticleStatus.Published;
    public DateTimeOffset? EmbargoedUntil { get; init; }
    public string Section { get; init; } = "";
    public string? Kicker { get; init; }
    public string Headline { get; init; } = "";
    public IReadOnlyList<string> Authors { get; init; } = [];
    public string? Dateline { get; init; }
    public string? Summary { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public ArticleImage? Image { get; init; }
    public DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public IReadOnlyList<Correction> Corrections { get; init; } = [];
    public ArticleBody Body { get; init; } = new(BodyFormat.Text, "");
}
