using ServerlessNews.DevServer;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>The DevServer as a separate process (so it can be killed like a crashed host).</summary>
public sealed class DevServerProcess : IDisposable
{
    private readonly HostProcess _process;

    private DevServerProcess(HostProcess process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Everything the process has written so far (complete once it has exited).</summary>
    public string Output() => _process.Output();

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.ProcessId;

    /// <summary>Whether the process ends within <paramref name="timeout"/> (or has ended already).</summary>
    public bool ExitsWithin(TimeSpan timeout) => _process.ExitsWithin(timeout);

    public static Task<DevServerProcess> StartAsync(IDictionary<string, string> environment, params string[] args) =>
        StartAsync(environment, workingDirectory: null, newProcessGroup: false, port: null, args);

    /// <param name="workingDirectory">Where the DevServer runs (and keeps its own Azurite's data, .azurite); null: here.</param>
    /// <param name="newProcessGroup">Lead a process group of its own (through setsid), as a command run in a terminal does.</param>
    /// <param name="port">The port to serve on; null: a free one.</param>
    /// <param name="args">The DevServer's arguments; none: serve on <paramref name="port"/> and return once it answers.</param>
    public static async Task<DevServerProcess> StartAsync(
        IDictionary<string, string> environment, string? workingDirectory, bool newProcessGroup, int? port = null, params string[] args)
    {
        var listenOn = port ?? LoopbackPorts.Free();
        string[] command = ["dotnet", typeof(DevServerApp).Assembly.Location, .. args.Length > 0 ? args : ["--urls", $"http://127.0.0.1:{listenOn}"]];
        var server = new DevServerProcess(HostProcess.Start("devserver", command, environment, workingDirectory, newProcessGroup), listenOn);
        if (args.Length == 0)
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            await Poll.UntilAsync<object>(async () =>
            {
                if (server.HasExited)
                {
                    throw new InvalidOperationException($"The DevServer exited ({server._process.ExitCode}) before it listened:\n{server.Output()}");
                }
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

    public Task<int> WaitForExitAsync() => _process.WaitForExitAsync();

    /// <summary>SIGKILL of the host alone: no shutdown, in-flight work simply stops, as in a host crash.</summary>
    public void Crash() => _process.Crash();

    /// <summary>Sends <paramref name="signal"/> (as kill names it: -TERM, -INT) to the process, or to its whole process group.</summary>
    public void Signal(string signal, bool group = false) => _process.Signal(signal, group);

    public void Dispose() => _process.Dispose();
}
