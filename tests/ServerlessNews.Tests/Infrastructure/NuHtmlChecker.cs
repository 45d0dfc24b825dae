using System.Diagnostics;
using System.Text.Json;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>The W3C Nu Html Checker (npm vnu-jar), run by Java over the HTML files of a folder.</summary>
public static class NuHtmlChecker
{
    public sealed record NuMessage(string Type, string? SubType, string Url, int Line, string Message);

    /// <summary>One JVM start for all files: the checker takes about two seconds to start.</summary>
    public static async Task<List<NuMessage>> CheckAsync(string folder, IEnumerable<string> files)
    {
        var jar = FindUp(Path.Combine("node_modules", "vnu-jar", "build", "dist", "vnu.jar"))
            ?? throw new InvalidOperationException("node_modules/vnu-jar is missing: run `npm ci` at the repository root.");
        var start = new ProcessStartInfo("java") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-jar", jar, "--format", "json", "--exit-zero-always" }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = stderr.TrimStart().StartsWith('{') ? stderr : await stdout;
        var json = JsonDocument.Parse(output).RootElement;
        return json.GetProperty("messages").EnumerateArray().Select(m => new NuMessage(
            m.GetProperty("type").GetString()!,
            m.TryGetProperty("subType", out var sub) ? sub.GetString() : null,
            m.TryGetProperty("url", out var url) ? url.GetString()! : "",
            m.TryGetProperty("lastLine", out var line) ? line.GetInt32() : 0,
            m.GetProperty("message").GetString()!)).ToList();
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
