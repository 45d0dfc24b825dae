using System.Diagnostics;
using System.Globalization;
using ServerlessNews.DevServer;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>The DevServer as a separate process (so it can be killed like a crashed host).</summary>
public sealed class DevServerProcess : IDisposable
{
    private readonly Process _process;
    /// <summary>Where everything the process writes (stdout and stderr) is kept.</summary>
    private readonly string _logPath;

    private DevServerProcess(Process process, int port, string logPath)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _logPath = logPath;
    }

    /// <summary>Everything the process has written so far (complete once it has exited).</summary>
    public string Output()
    {
        using var reader = new StreamReader(new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>Whether the process ends within <paramref name="timeout"/> (or has ended already).</summary>
    public bool ExitsWithin(TimeSpan timeout) => _process.WaitForExit(timeout);

    public static Task<DevServerProcess> StartAsync(IDictionary<string, string> environment, params string[] args) =>
        StartAsync(environment, workingDirectory: null, newProcessGroup: false, args);

    /// <param name="workingDirectory">Where the DevServer runs (and keeps its own Azurite's data, .azurite); null: here.</param>
    /// <param name="newProcessGroup">Lead a process group of its own (through setsid), as a command run in a terminal does.</param>
    public static async Task<DevServerProcess> StartAsync(IDictionary<string, string> environment, string? workingDirectory, bool newProcessGroup, params string[] args)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(newProcessGroup ? "setsid" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        if (newProcessGroup)
        {
            start.ArgumentList.Add("dotnet"); // setsid execs it in place: the process id stays the one started
        }
        start.ArgumentList.Add(typeof(DevServerApp).Assembly.Location);
        foreach (var arg in args.Length > 0 ? args : ["--urls", $"http://127.0.0.1:{port}"])
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        // Kept in a file, so that when a process dies unexpectedly its last words can be read.
        var logPath = Path.Combine(Path.GetTempPath(), $"serverlessnews-devserver-{process.Id}.log");
        var log = TextWriter.Synchronized(File.CreateText(logPath));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); log.Flush(); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); log.Flush(); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new DevServerProcess(process, port, logPath);
        if (args.Length == 0)
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            await Poll.UntilAsync<object>(async () =>
            {
                try
                {
                    await client.GetAsync(new Uri("/api/articles/ready-probe", UriKind.Relative));
                    return new object();
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, TimeSpan.FromSeconds(60), "the DevServer process to listen");
        }
        return server;
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    /// <summary>SIGKILL of the host alone: no shutdown, in-flight work simply stops, as in a host crash.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>Sends <paramref name="signal"/> (as kill names it: -TERM, -INT) to the process, or to its whole process group.</summary>
    public void Signal(string signal, bool group = false)
    {
        var target = group ? -ProcessId : ProcessId;
        using var kill = Process.Start("kill", [signal, "--", target.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
