using System.Globalization;
using System.Text;

namespace ServerlessNews.Articles;

/// <summary>Deterministic, readable URL segments: "Middle East &amp; Africa" → "middle-east-africa".</summary>
public static class Slug
{
    public const int MaxLength = 60;

    // Top-level paths the site uses for itself; a section with one of these names gets a prefix.
    private static readonly HashSet<string> ReservedTopLevel = new(StringComparer.Ordinal)
        { "api", "tag", "author", "feeds", "assets", "page", "sitemaps", "archive" };

    /// <summary>The first path segment of a section's pages.</summary>
    public static string ForSection(string section)
    {
        var slug = From(section);
        return ReservedTopLevel.Contains(slug) ? "section-" + slug : slug;
    }

    public static string From(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(Math.Min(decomposed.Length, MaxLength));
        var pendingDash = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue; // drop accents: "Málaga" → "malaga"
            }
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingDash && builder.Length > 0)
                {
                    builder.Append('-');
                }
                pendingDash = false;
                builder.Append(char.ToLowerInvariant(c));
                if (builder.Length >= MaxLength)
                {
                    break;
                }
            }
            else
            {
                pendingDash = true;
            }
        }
        var slug = builder.ToString().TrimEnd('-');
        // Text with no Latin letters at all ("Россия") still needs a stable, unique segment.
        return slug.Length > 0 ? slug : "x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }
}
