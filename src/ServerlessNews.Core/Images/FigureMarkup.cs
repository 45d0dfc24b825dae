using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace ServerlessNews.Images;

/// <summary>
/// The <c>&lt;figure&gt;</c> of an image, for the lead image and for the body's: with renditions, a
/// <c>&lt;picture&gt;</c> offering AVIF and WebP before the fallback, each as a <c>srcset</c> of widths, with
/// the intrinsic <c>width</c> and <c>height</c> so that nothing moves when it loads; without (an external URL,
/// or an upload not processed yet or refused), a plain <c>&lt;img&gt;</c> at its original URL.
/// </summary>
public static class FigureMarkup
{
    /// <summary>The article column: full width on a phone (less the page's padding), 44rem from 46rem up.</summary>
    public const string Sizes = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

    /// <summary>The <c>src</c> for browsers without <c>srcset</c>: the rendition closest above this width.</summary>
    private const int DefaultWidth = 960;

    /// <param name="url">An absolute http(s) URL or an uploaded image's reference (<c>images/NAME</c>).</param>
    /// <param name="lead">The page's lead image: fetched first (<c>fetchpriority="high"</c>); others load lazily.</param>
    public static string Render(string url, string alt, string? caption, string? credit, ResolvedImages images, bool lead)
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder(lead ? "<figure class=\"lead-image\">" : "<figure>");
        var loading = lead ? " fetchpriority=\"high\" decoding=\"async\"" : " loading=\"lazy\" decoding=\"async\"";
        var manifest = ImageReference.TryParseUploaded(url, out var name) ? images.Manifest(name) : null;
        if (manifest is null)
        {
            var src = name.Length > 0 ? ImageReference.OriginalPath(name) : url;
            html.Append("<img src=\"").Append(e.Encode(src)).Append("\" alt=\"").Append(e.Encode(alt)).Append('"').Append(loading).Append('>');
        }
        else
        {
            html.Append("<picture>");
            foreach (var type in manifest.Formats.Take(manifest.Formats.Count - 1))
            {
                html.Append("<source type=\"").Append(type).Append("\" srcset=\"").Append(e.Encode(SrcSet(manifest, type)))
                    .Append("\" sizes=\"").Append(Sizes).Append("\">");
            }
            var fallback = manifest.Renditions.FirstOrDefault(r => r.Width >= DefaultWidth) ?? manifest.Largest;
            html.Append("<img src=\"").Append(e.Encode(fallback.Files[manifest.Fallback]))
                .Append("\" srcset=\"").Append(e.Encode(SrcSet(manifest, manifest.Fallback)))
                .Append("\" sizes=\"").Append(Sizes)
                .Append(CultureInfo.InvariantCulture, $"\" width=\"{manifest.Largest.Width}\" height=\"{manifest.Largest.Height}\"")
                .Append(" alt=\"").Append(e.Encode(alt)).Append('"').Append(loading).Append("></picture>");
        }
        if (!string.IsNullOrEmpty(caption) || !string.IsNullOrEmpty(credit))
        {
            html.Append("<figcaption>");
            if (!string.IsNullOrEmpty(caption))
            {
                html.Append(e.Encode(caption));
            }
            if (!string.IsNullOrEmpty(credit))
            {
                html.Append(string.IsNullOrEmpty(caption) ? "" : " ").Append("<span class=\"credit\">").Append(e.Encode(credit)).Append("</span>");
            }
            html.Append("</figcaption>");
        }
        return html.Append("</figure>").ToString();
    }

    private static string SrcSet(ImageManifest manifest, string type) =>
        string.Join(", ", manifest.Renditions.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Files[type]} {r.Width}w")));
}
