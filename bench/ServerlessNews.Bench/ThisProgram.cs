using System.Diagnostics;

namespace ServerlessNews.Bench;

/// <summary>This program started again as a child process, in one of its child modes (see Program.cs).</summary>
public static class ThisProgram
{
    /// <summary>How to start it with <paramref name="args"/>, whether it runs as its own executable or through <c>dotnet</c>.</summary>
    public static ProcessStartInfo StartInfo(params IEnumerable<string> args)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(path) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ThisProgram).Assembly.Location);
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }
}
