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
        return WithArguments(start, args);
    }

    /// <summary>How to start this program's publish in <paramref name="directory"/> (its executable) with <paramref name="args"/>.</summary>
    public static ProcessStartInfo StartInfoFrom(string directory, params IEnumerable<string> args) =>
        WithArguments(new ProcessStartInfo(Path.Combine(directory, Name)) { UseShellExecute = false }, args);

    /// <summary>The executable's name, which is the assembly's.</summary>
    public static string Name => typeof(ThisProgram).Assembly.GetName().Name!;

    private static ProcessStartInfo WithArguments(ProcessStartInfo start, IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }
}
