using System.Text.RegularExpressions;

namespace ServerlessNews.Images;

/// <summary>
/// How an article refers to an image uploaded to the <c>images</c> container (<c>images/harbour.jpg</c>), and
/// where that image's public files are in <c>$web</c>: the full-size copy at <c>/images/harbour.jpg</c> (its
/// "original URL", what a page shows while the image has no renditions), the manifest beside it at
/// <c>/images/harbour.jpg.json</c>, and the renditions under <c>/images/_/</c>, named by the content's hash so
/// that a page keeps the files it was rendered with when the image is replaced.
/// </summary>
public static partial class ImageReference
{
    public const string Prefix = "images/";

    /// <summary>How a submission writes it, for error messages and docs.</summary>
    public const string Form = "images/NAME.jpg (or .jpeg, .png, .webp)";

    /// <summary>Renditions live here; no uploaded name can start with '_', so none can collide with them.</summary>
    public const string RenditionFolder = "images/_/";

    public const int MaxNameLength = 200;

    /// <summary>
    /// Folders and a file name of letters, digits, '.', '-' and '_', each starting with a letter or digit
    /// (so no "..", no hidden files, no '_' folder), ending in an extension the renditions are made from.
    /// </summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*\.(jpe?g|png|webp)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NamePattern();

    /// <summary>The name in the <c>images</c> container: <c>harbour.jpg</c>, <c>2026/11/harbour.jpg</c>.</summary>
    public static bool IsValidName(string name) =>
        name.Length <= MaxNameLength && NamePattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>True for <c>images/NAME</c> (optionally with a leading '/'), giving the name in the container.</summary>
    public static bool TryParseUploaded(string url, out string name)
    {
        var path = url.StartsWith('/') ? url[1..] : url;
        name = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : "";
        return name.Length > 0 && IsValidName(name);
    }

    /// <summary>The full-size copy's blob in <c>$web</c> (its path is the same with a leading '/').</summary>
    public static string OriginalBlob(string name) => Prefix + name;

    public static string OriginalPath(string name) => "/" + OriginalBlob(name);

    public static string ManifestBlob(string name) => Prefix + name + ".json";

    /// <summary>A rendition's blob: <c>images/_/harbour-3f9a2c1b7d4e-640.webp</c>.</summary>
    public static string RenditionBlob(string name, string version, string suffix, string extension) =>
        $"{RenditionFolder}{Path.ChangeExtension(name, null)}-{version}-{suffix}.{extension}";

    /// <summary>Table keys cannot hold '/': it becomes '|', which names cannot contain.</summary>
    public static string Key(string name) => name.Replace('/', '|');
}
