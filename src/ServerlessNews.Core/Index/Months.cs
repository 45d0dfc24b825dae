using System.Globalization;

namespace ServerlessNews.Index;

/// <summary>Months as the index keys them ("2026-11") and as pages show them ("November 2026").</summary>
public static class Months
{
    public static string Of(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool TryParse(string month, out DateTimeOffset start) =>
        DateTimeOffset.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out start);

    public static string Display(string month) =>
        TryParse(month, out var start) ? start.ToString("MMMM yyyy", CultureInfo.InvariantCulture) : month;
}
