using System.Globalization;

namespace ServerlessNews.Bench;

/// <param name="Goal">
/// For a measure where lower is better (times, CPU, memory): the largest acceptable ratio measured / baseline.
/// Where higher is better (<paramref name="HigherIsBetter"/>, e.g. requests per second): the smallest acceptable
/// ratio. Null for a figure shown for information.
/// </param>
public sealed record BenchResult(string Name, double Measured, double Baseline, string Unit, string BaselineName, double? Goal, bool HigherIsBetter = false)
{
    public double Ratio => Measured / Baseline;
    public bool MeetsGoal => Goal is not { } goal || (HigherIsBetter ? Ratio >= goal : Ratio <= goal);

    public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Measured:0.###} {Unit} | {BaselineName}: {Baseline:0.###} {Unit} | {Ratio:0.00}× | {(Goal is { } goal ? $"{(HigherIsBetter ? "≥" : "≤")} {goal:0.0#}×" : "none")} | {(Goal is null ? "for information" : MeetsGoal ? "met" : "NOT met")} |");

    /// <summary>The middle value (the mean of the two middle ones for an even count): one outlier cannot move it.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
