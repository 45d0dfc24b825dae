using System.Globalization;
using System.Text;

namespace ServerlessNews.Articles;

/// <summary>Checks shared by every free-text field a reader or editor can submit.</summary>
public static class TextRules
{
    /// <summary>
    /// Why a text is unacceptable, or null. Control characters and bidirectional overrides are refused
    /// because they let a headline or name display differently from what is stored ("Trojan Source").
    /// </summary>
    public static string? Problem(string value, bool multiline)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            if (multiline && c is '\n' or '\r' or '\t')
            {
                continue;
            }
            if (Rune.IsControl(rune))
            {
                return $"must not contain control characters (U+{c:X4}).";
            }
            if (c is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069)
            {
                return $"must not contain bidirectional override characters (U+{c:X4}).";
            }
            // Invisible characters with no use in a one-line name or title: "Ana\u200BReader" would pass for "AnaReader".
            // Zero-width joiners stay (emoji sequences, Indic and Persian scripts).
            if (!multiline && c is 0x200B or 0x2060 or 0xFEFF)
            {
                return $"must not contain zero-width characters (U+{c:X4}).";
            }
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
            {
                return $"must not contain unassigned or private-use characters (U+{c:X4}).";
            }
        }
        return null;
    }

    /// <summary>Canonical form for storage and comparison.</summary>
    public static string Normalize(string value) => value.Normalize(NormalizationForm.FormC).Trim();
}
