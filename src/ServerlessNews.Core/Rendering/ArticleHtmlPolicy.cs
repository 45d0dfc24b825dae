using System.Text.RegularExpressions;
using AngleSharp.Css.Dom;
using Ganss.Xss;

namespace ServerlessNews.Rendering;

/// <summary>
/// What an article body may contain once sanitized: an explicit allow-list for news copy, instead of
/// HtmlSanitizer's defaults, which keep forms, inputs, buttons, <c>formaction</c> and <c>position</c> styles (a
/// phishing form or a page-wide overlay on the site's own origin). Text, headings, lists, quotes, emphasis, links,
/// images and figures with captions, tables, code, abbreviations, definitions and the markup of Markdig's enabled
/// extensions (footnote ids and classes, table alignment, column widths); no forms, frames, embeds, event handlers,
/// <c>target</c>, or styles beyond alignment and width.
/// </summary>
public static partial class ArticleHtmlPolicy
{
    private static readonly string[] Tags =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "section", "aside", "header", "footer",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "q", "cite",
        "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "dfn", "time", "wbr",
        "code", "pre", "kbd", "samp", "var",
        "a", "img", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    ];

    private static readonly string[] Attributes =
    [
        "href", "title", "lang", "dir", "class", "id", "style",
        "src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding",
        "cite", "datetime", "start", "type", "reversed", "colspan", "rowspan", "scope", "span", "align",
    ];

    /// <summary>Markdig's footnotes (<c>footnotes</c>, <c>footnote-ref</c>, <c>footnote-back-ref</c>); code languages are matched apart.</summary>
    private static readonly string[] Classes = ["footnotes", "footnote-ref", "footnote-back-ref"];

    /// <summary>Pipe tables align cells with <c>text-align</c>; grid tables size columns with <c>width</c>. Neither moves an element out of the flow.</summary>
    private static readonly string[] CssProperties = ["text-align", "width"];

    public static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(Tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(Attributes, StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(CssProperties, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src", "cite"], StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
        });
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not AngleSharp.Dom.IElement element)
            {
                return;
            }
            // Ids only as Markdig's footnotes write them ("fn:1", "fnref:2"), which cannot collide with the theme's.
            if (element.GetAttribute("id") is { } id && !FootnoteId().IsMatch(id))
            {
                element.RemoveAttribute("id");
            }
            if (element.GetAttribute("class") is { } classes)
            {
                var kept = classes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(c => Classes.Contains(c) || CodeLanguage().IsMatch(c)).ToArray();
                if (kept.Length == 0)
                {
                    element.RemoveAttribute("class");
                }
                else
                {
                    element.SetAttribute("class", string.Join(' ', kept));
                }
            }
        };
        return sanitizer;
    }

    [GeneratedRegex("^fn(ref)?:[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex FootnoteId();

    [GeneratedRegex("^language-[a-z0-9+#._-]{1,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeLanguage();
}
