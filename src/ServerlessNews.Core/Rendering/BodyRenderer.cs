using System.Net;
using System.Text;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using ServerlessNews.Articles;

namespace ServerlessNews.Rendering;

/// <summary>Turns an article body in any of the three formats into safe HTML for the page.</summary>
public sealed class BodyRenderer
{
    /// <summary>
    /// The extensions a newsroom writes with. Not the "advanced" set: its attribute syntax (<c>{onclick=…}</c>),
    /// media embeds (iframes), heading ids and custom containers put attributes and elements on the page that
    /// no raw HTML announces, so the sanitizer check below would let them through. Fewer extensions also
    /// parse faster.
    /// </summary>
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseEmphasisExtras()
        .UseFootnotes()
        .UseAutoLinks()
        .UseListExtras()
        .UseFigures()
        .UseDefinitionLists()
        .UseAbbreviations()
        .UseCitations()
        .Build();

    private readonly HtmlSanitizer _sanitizer = ArticleHtmlPolicy.Create();

    public string Render(ArticleBody body, string? dateline)
    {
        var html = body.Format switch
        {
            BodyFormat.Markdown => MarkdownToSafeHtml(body.Content),
            BodyFormat.Html => _sanitizer.Sanitize(body.Content),
            _ => WireCopyToHtml(body.Content),
        };
        return string.IsNullOrWhiteSpace(dateline) ? html : OpenWithDateline(html, dateline);
    }

    private string MarkdownToSafeHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        // The headline is the page's only <h1>: a "# Heading" in the body becomes <h2>.
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Max(2, heading.Level);
        }
        var html = document.ToHtml(Pipeline);
        // Markdig encodes text and attributes itself; only raw HTML and link targets can carry markup or
        // script. Documents with neither skip the (comparatively slow) sanitizer.
        return NeedsSanitizing(document) ? _sanitizer.Sanitize(html) : html;
    }

    private static bool NeedsSanitizing(MarkdownDocument document)
    {
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case HtmlBlock or HtmlInline or HtmlEntityInline:
                    return true;
                case LinkInline link when !IsSafeUrl(link.Url):
                    return true;
                case AutolinkInline autolink when !IsSafeUrl(autolink.Url):
                    return true;
            }
        }
        return false;
    }

    private static bool IsSafeUrl(string? url) =>
        string.IsNullOrEmpty(url) ||
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
        url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ||
        (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)) ||
        url.StartsWith('#');

    /// <summary>
    /// Wire copy: paragraphs are separated by blank lines; a paragraph that is one line written entirely
    /// in capitals ("LACK OF BACK CHANNELS") is a sub-heading.
    /// </summary>
    internal static string WireCopyToHtml(string text)
    {
        var html = new StringBuilder();
        var blocks = text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var block in blocks)
        {
            if (IsCapitalsHeading(block))
            {
                html.Append("<h2>").Append(WebUtility.HtmlEncode(block)).Append("</h2>\n");
            }
            else
            {
                var lines = block.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                html.Append("<p>").Append(WebUtility.HtmlEncode(string.Join(' ', lines))).Append("</p>\n");
            }
        }
        return html.ToString();
    }

    internal static bool IsCapitalsHeading(string block)
    {
        if (block.Contains('\n', StringComparison.Ordinal) || block.Length > 120)
        {
            return false;
        }
        var letters = 0;
        foreach (var c in block)
        {
            if (char.IsLetter(c))
            {
                if (!char.IsUpper(c))
                {
                    return false;
                }
                letters++;
            }
        }
        // "A" or "US" alone is not a heading; sub-headings are at least a word or two.
        return letters >= 3 && !block.EndsWith('.');
    }

    /// <summary>Wire style: the dateline ("LISBON –") opens the first paragraph.</summary>
    private static string OpenWithDateline(string html, string dateline)
    {
        var span = $"<span class=\"dateline\">{WebUtility.HtmlEncode(dateline)} –</span> ";
        var start = FindFirstParagraph(html);
        if (start < 0)
        {
            return $"<p>{span}</p>\n{html}";
        }
        var afterTag = html.IndexOf('>', start) + 1;
        return html.Insert(afterTag, span);
    }

    private static int FindFirstParagraph(string html)
    {
        var index = 0;
        while ((index = html.IndexOf("<p", index, StringComparison.Ordinal)) >= 0)
        {
            var next = index + 2 < html.Length ? html[index + 2] : '\0';
            if (next is '>' or ' ')
            {
                return index;
            }
            index += 2;
        }
        return -1;
    }
}
