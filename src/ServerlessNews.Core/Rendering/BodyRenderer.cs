using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using Markdig.Extensions.Figures;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using ServerlessNews.Articles;
using ServerlessNews.Images;

namespace ServerlessNews.Rendering;

/// <summary>Turns an article body in any of the three formats into safe HTML for the page.</summary>
public sealed partial class BodyRenderer
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

    public string Render(ArticleBody body, string? dateline) => Render(body, dateline, ResolvedImages.None);

    /// <param name="images">Manifests of the uploaded images the body shows, for their renditions.</param>
    public string Render(ArticleBody body, string? dateline, ResolvedImages images)
    {
        var html = body.Format switch
        {
            BodyFormat.Markdown => WrapTables(MarkdownToSafeHtml(body.Content, images)),
            BodyFormat.Html => WrapTables(_sanitizer.Sanitize(body.Content)),
            _ => WireCopyToHtml(body.Content),
        };
        return string.IsNullOrWhiteSpace(dateline) ? html : OpenWithDateline(html, dateline);
    }

    private string MarkdownToSafeHtml(string markdown, ResolvedImages images)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        // The headline is the page's only <h1>: a "# Heading" in the body becomes <h2>.
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Max(2, heading.Level);
        }
        var figures = TakeFigures(document, images, out var placeholder);
        var html = document.ToHtml(Pipeline);
        // Markdig encodes text and attributes itself; only raw HTML and link targets can carry markup or
        // script. Documents with neither skip the (comparatively slow) sanitizer.
        if (NeedsSanitizing(document))
        {
            html = _sanitizer.Sanitize(html);
        }
        return figures is null ? html : PutFigures(html, figures, placeholder);
    }

    /// <summary>
    /// An image alone in its paragraph (<c>![alt](images/harbour.jpg "Caption")</c>) becomes a figure, its title
    /// the caption. The figure's markup is ours, not the author's: the paragraph is replaced by a placeholder no
    /// author can guess (a random token per render), which the sanitizer leaves alone as text, and the figure
    /// goes in after sanitizing, so that its <c>&lt;picture&gt;</c> and <c>srcset</c> never depend on what the
    /// sanitizer allows. Other images keep Markdig's <c>&lt;img&gt;</c>, an upload at its original URL.
    /// </summary>
    private static List<string>? TakeFigures(MarkdownDocument document, ResolvedImages images, out string placeholder)
    {
        placeholder = "";
        List<string>? figures = null;
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.IsImage && link.Url is { } url && ImageReference.TryParseUploaded(url, out var name))
            {
                link.Url = ImageReference.OriginalPath(name);
            }
        }
        foreach (var paragraph in document.Descendants<ParagraphBlock>())
        {
            // In a figure the author wrote (^^^ … ^^^ caption), the image stays theirs: no figure inside a figure.
            if (paragraph.Parent is Figure || LoneImage(paragraph) is not { } image)
            {
                continue;
            }
            if (figures is null)
            {
                figures = [];
                placeholder = "figure-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "-";
            }
            var url = ImageReference.TryParseUploaded(image.Url!, out var name) ? ImageReference.Prefix + name : image.Url!;
            figures.Add(FigureMarkup.Render(url, PlainText(image), image.Title, null, images, lead: false));
            paragraph.Inline = new ContainerInline().AppendChild(new LiteralInline(placeholder + (figures.Count - 1).ToString(CultureInfo.InvariantCulture)));
        }
        return figures;
    }

    /// <summary>The paragraph's only content, if that is an image with a URL a figure may carry (http(s) or an upload).</summary>
    private static LinkInline? LoneImage(ParagraphBlock paragraph)
    {
        LinkInline? image = null;
        for (var inline = paragraph.Inline?.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LinkInline { IsImage: true } link when image is null:
                    image = link;
                    break;
                case LineBreakInline:
                case LiteralInline literal when literal.Content.IsEmptyOrWhitespace():
                    break;
                default:
                    return null;
            }
        }
        return image?.Url is { } url && (SubmissionParser.IsHttpUrl(url) || ImageReference.TryParseUploaded(url, out _)) ? image : null;
    }

    private static string PlainText(ContainerInline container)
    {
        var text = new StringBuilder();
        foreach (var literal in container.Descendants<LiteralInline>())
        {
            text.Append(literal.Content);
        }
        return text.ToString();
    }

    private static string PutFigures(string html, List<string> figures, string placeholder)
    {
        var result = new StringBuilder(html);
        for (var i = figures.Count - 1; i >= 0; i--)
        {
            var token = placeholder + i.ToString(CultureInfo.InvariantCulture);
            // A figure may not sit in a <p>; in a tight list item the token stands alone.
            result.Replace("<p>" + token + "</p>", figures[i]).Replace(token, figures[i]);
        }
        return result.ToString();
    }

    [GeneratedRegex("<table(?=[\\s>])", RegexOptions.CultureInvariant)]
    private static partial Regex TableStart();

    /// <summary>
    /// A wide table scrolls inside its own box on a phone instead of widening the page; the box can take the
    /// keyboard's focus, so that it can be scrolled without a pointer.
    /// </summary>
    private static string WrapTables(string html) => !html.Contains("<table", StringComparison.Ordinal)
        ? html
        : TableStart().Replace(html, "<div class=\"table-scroll\" role=\"region\" aria-label=\"Table\" tabindex=\"0\"><table")
            .Replace("</table>", "</table></div>", StringComparison.Ordinal);

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
                // Styled as small capitals, so that wire copy's sub-headings do not shout.
                html.Append("<h2 class=\"caps\">").Append(WebUtility.HtmlEncode(block)).Append("</h2>\n");
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
