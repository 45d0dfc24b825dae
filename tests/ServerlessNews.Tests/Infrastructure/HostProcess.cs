using System.Diagnostics;
using System.Globalization;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// A host process under test (the DevServer, the Functions host), whose output is kept in a file so that a process
/// that dies unexpectedly can be read afterwards. Started in a session of its own (through setsid), it leads a
/// process group, and what it starts (the Functions host's worker) can be ended with it.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _logPath;
    private bool _disposed;

    private HostProcess(Process process, string logPath)
    {
        _process = process;
        _logPath = logPath;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="command">The program and its arguments.</param>
    /// <param name="newSession">Lead a session and process group of its own, as a command run in a terminal does.</param>
    public static HostProcess Start(string name, IReadOnlyList<string> command, IDictionary<string, string> environment, string? workingDirectory = null, bool newSession = true)
    {
        var start = new ProcessStartInfo(newSession ? "setsid" : command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        // setsid execs the command in place (this process is not a group leader): the process id stays the one started.
        foreach (var part in newSession ? command : command.Skip(1))
        {
            start.ArgumentList.Add(part);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        var logPath = Path.Combine(Path.GetTempPath(), $"serverlessnews-{name}-{process.Id}.log");
        var log = TextWriter.Synchronized(File.CreateText(logPath));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); log.Flush(); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); log.Flush(); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, logPath);
    }

    /// <summary>Everything the process has written so far (complete once it has exited).</summary>
    public string Output()
    {
        using var reader = new StreamReader(new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    /// <summary>Whether the process ends within <paramref name="timeout"/> (or has ended already).</summary>
    public bool ExitsWithin(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>SIGKILL of the process alone: no shutdown; its children see their parent vanish.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>The processes of this one's group still running (the process itself, and what it started).</summary>
    public IReadOnlyList<int> GroupMembers() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ProcessGroupOf(pid) == ProcessId)
            .ToArray();

    private static int? ProcessGroupOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] == "Z" ? null : int.Parse(fields[2], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // ended meanwhile
        }
    }

    /// <summary>Sends <paramref name="signal"/> (as kill names it: -TERM, -INT) to the process, or to its whole process group.</summary>
    public void Signal(string signal, bool group = false)
    {
        var target = group ? -ProcessId : ProcessId;
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, "--", target.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true, // a group already gone
        })!;
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    /// <summary>Ends the process and everything it started (its group, when it leads one).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        // What outlived its parent (a Functions worker whose host was killed) is still in the group.
        if (GroupMembers().Count > 0)
        {
            Signal("-KILL", group: true);
        }
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
