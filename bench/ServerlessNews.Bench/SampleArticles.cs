using System.Globalization;
using System.Text;
using ServerlessNews.Articles;

namespace ServerlessNews.Bench;

/// <summary>Deterministic news articles of a realistic size (about 600 words of Markdown).</summary>
public static class SampleArticles
{
    private static readonly string[] Sections = ["World", "Business", "Sport", "Science", "Culture"];
    private static readonly string[] Tags = ["Energy", "Elections", "Transport", "Health", "Markets", "Climate", "Football", "Space"];

    public static string Body(int seed)
    {
        var body = new StringBuilder();
        for (var paragraph = 0; paragraph < 12; paragraph++)
        {
            if (paragraph is 4 or 8)
            {
                body.Append(CultureInfo.InvariantCulture, $"## Section {paragraph / 4} of story {seed}\n\n");
            }
            if (paragraph == 6)
            {
                body.Append("> \"We did not expect this,\" a spokesperson said. \"It changes the plan.\"\n\n");
            }
            body.Append(CultureInfo.InvariantCulture,
                $"Officials said on Tuesday that talks on item {seed}-{paragraph} had resumed after a pause of several weeks, ")
                .Append("with negotiators meeting in the capital to discuss **the schedule**, the costs and the ")
                .Append("[published report](https://example.test/report) that prompted the delay. Analysts expect a ")
                .Append("decision before the end of the quarter, although *several questions* remain open.\n\n");
        }
        return body.ToString();
    }

    public static ArticleSubmission Submission(int i) => new()
    {
        Id = $"bench-article-{i}",
        Revision = 1,
        Section = Sections[i % Sections.Length],
        Kicker = i % 3 == 0 ? "Analysis" : null,
        Headline = $"Talks resume on the {i}th item as negotiators meet in the capital",
        Authors = ["Ana Ruiz", "Tom Becker"],
        Dateline = "LISBON",
        Summary = "Negotiators met again after a pause of several weeks.",
        Tags = [Tags[i % Tags.Length], Tags[(i + 3) % Tags.Length]],
        PublishedAt = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i * 7),
        Body = new ArticleBody(BodyFormat.Markdown, Body(i)),
    };

    public static ArticleDocument Document(int i)
    {
        var submission = Submission(i);
        return new ArticleDocument(submission, ArticleDocument.PathFor(submission));
    }
}
