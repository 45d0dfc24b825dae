using Ganss.Xss;
using Markdig;

namespace ServerlessNews.Comments;

/// <summary>
/// Comment text to safe HTML: limited Markdown with raw HTML disabled (so "&lt;b&gt;" shows as text), then an
/// allow-list sanitizer as a second line of defence; every link gets <c>rel="nofollow ugc noopener"</c>.
/// </summary>
public sealed partial class CommentFormatter
{
    public const string LinkRel = "nofollow ugc noopener";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .DisableHeadings()
        .UseAutoLinks()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(["p", "br", "em", "strong", "a", "code", "blockquote", "ul", "ol", "li"], StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        })
        {
            // Text inside an element that is not allowed (an image's alt, a code block) stays as text.
            KeepChildNodes = true,
        };
        sanitizer.PostProcessDom += (_, e) =>
        {
            foreach (var anchor in e.Document.QuerySelectorAll("a").ToArray())
            {
                if (anchor.HasAttribute("href"))
                {
                    anchor.SetAttribute("rel", LinkRel);
                }
                else
                {
                    // A link whose address was refused (javascript:, data:) is left as its text.
                    anchor.Replace([.. anchor.ChildNodes]);
                }
            }
        };
        return sanitizer;
    }

    public string ToHtml(string text) => _sanitizer.Sanitize(Markdown.ToHtml(text, Pipeline));

    /// <summary>
    /// Why the text could never be shown, or null. Markdig refuses input nested past its depth limit (quotes, lists
    /// or emphasis inside one another, e.g. 150 '&gt;'), and would refuse it on every render of the page.
    /// </summary>
    public static string? RenderProblem(string text)
    {
        try
        {
            Markdown.Parse(text, Pipeline);
            return null;
        }
        catch (ArgumentException)
        {
            return "is nested too deeply (quotes, lists or emphasis inside one another) to be shown; flatten it.";
        }
    }

    /// <summary>Links a reader wrote: what the link-count rule counts.</summary>
    public static int CountLinks(string text) => LinkPattern().Count(text);

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:https?://|\bwww\.)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LinkPattern();
}
