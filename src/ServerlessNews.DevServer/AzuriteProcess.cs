using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ServerlessNews.DevServer;

/// <summary>
/// Runs the repository's pinned Azurite (node_modules/azurite) on loopback, for machines with no storage
/// configured. Used by the DevServer and by the tests, so both run against the same emulator.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's documented, public development account key: not a secret.</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _servicesClosed;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int ProcessId => _process.Id;

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;");

    /// <param name="location">A folder for durable data, or null to keep everything in memory.</param>
    /// <param name="preferredPorts">Ports to use when all three are free (Azurite's defaults), else free ones are picked.</param>
    public static Task<AzuriteProcess> StartAsync(string? location, (int Blob, int Queue, int Table)? preferredPorts = null, CancellationToken ct = default) =>
        StartAsync(location, attempt => attempt == 1 && preferredPorts is { } p && LoopbackPorts.IsFree(p.Blob) && LoopbackPorts.IsFree(p.Queue) && LoopbackPorts.IsFree(p.Table)
            ? p
            : (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free()), ct);

    /// <summary>Tries at most this many sets of ports.</summary>
    internal const int StartAttempts = 3;

    /// <param name="pickPorts">The ports for each attempt (1, 2, ...).</param>
    internal static async Task<AzuriteProcess> StartAsync(string? location, Func<int, (int Blob, int Queue, int Table)> pickPorts, CancellationToken ct)
    {
        var script = FindAzuriteScript()
            ?? throw new FileNotFoundException("Azurite is not installed: run 'npm ci' at the repository root (package.json pins it).");
        for (var attempt = 1; ; attempt++)
        {
            var azurite = Launch(script, location, pickPorts(attempt));
            // A port found free can be taken before Azurite binds it (an outgoing connection gets its local port from
            // the same range, and so do emulators started beside this one): Azurite then exits, and other ports are tried.
            if (await azurite.WaitUntilListeningAsync(lastAttempt: attempt == StartAttempts, ct))
            {
                return azurite;
            }
        }
    }

    private static AzuriteProcess Launch(string script, string? location, (int Blob, int Queue, int Table) ports)
    {
        var start = StartInfoOutsideTheConsoleGroup("node");
        if (File.Exists(ExitWithParentScript))
        {
            start.ArgumentList.Add("--require");
            start.ArgumentList.Add(ExitWithParentScript);
        }
        foreach (var arg in (string[])[script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", Port(ports.Blob),
            "--queueHost", "127.0.0.1", "--queuePort", Port(ports.Queue),
            "--tableHost", "127.0.0.1", "--tablePort", Port(ports.Table)])
        {
            start.ArgumentList.Add(arg);
        }
        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var azurite = new AzuriteProcess(process, ports.Blob, ports.Queue, ports.Table);
        process.OutputDataReceived += (_, e) => azurite.Observe(e.Data);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return azurite;
    }

    private static readonly string[] SetsidPaths = ["/usr/bin/setsid", "/bin/setsid"];

    private static readonly string ExitWithParentScript = Path.Combine(AppContext.BaseDirectory, "exit-with-parent.cjs");

    /// <summary>
    /// Ctrl+C in a terminal signals every process of the foreground group at once. Azurite must not be among them:
    /// the host that started it stops first (its listeners still talk to storage as they stop) and then stops
    /// Azurite. On Linux <c>setsid</c> starts it in a session of its own, on Windows a new process group ignores
    /// Ctrl+C; elsewhere (macOS) it stays in the terminal's group.
    /// </summary>
    private static ProcessStartInfo StartInfoOutsideTheConsoleGroup(string program)
    {
        var setsid = OperatingSystem.IsLinux() ? SetsidPaths.FirstOrDefault(File.Exists) : null;
        var start = new ProcessStartInfo(setsid ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add(program); // setsid execs it in place: the process id stays the one started
        }
        if (OperatingSystem.IsWindows())
        {
            start.CreateNewProcessGroup = true;
        }
        return start;
    }

    /// <returns>False when Azurite exited without listening (on the last attempt that throws too).</returns>
    private async Task<bool> WaitUntilListeningAsync(bool lastAttempt, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in (int[])[BlobPort, QueuePort, TablePort])
        {
            while (!await IsListeningAsync(port, ct))
            {
                var exited = _process.HasExited;
                if (exited || DateTime.UtcNow > deadline)
                {
                    await DisposeAsync();
                    if (exited && !lastAttempt)
                    {
                        return false;
                    }
                    throw new InvalidOperationException(exited
                        ? $"Azurite exited before listening on 127.0.0.1 ports {BlobPort}, {QueuePort} and {TablePort} (tried {StartAttempts} sets of ports: is one taken?)."
                        : $"Azurite did not start listening on 127.0.0.1:{port} within a minute.");
                }
                await Task.Delay(100, ct);
            }
        }
        return true;
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Walks up from the working directory and the app's folder to the repository's node_modules.</summary>
    public static string? FindAzuriteScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Azurite says "... service successfully closed" once a service has stopped listening and written what it keeps
    /// (its metadata, with --location) to disk.
    /// </summary>
    private void Observe(string? line)
    {
        if (line is not null && line.EndsWith("service successfully closed", StringComparison.Ordinal) && Interlocked.Increment(ref _servicesClosed) == 3)
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>
    /// Stops Azurite the way a service manager does (SIGTERM), so that it flushes its data to disk. Once its three
    /// services say they have closed, nothing is left to lose: a connection a client keeps open (a request that came
    /// in as it closed is never answered) would keep it running, so it is ended then.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            await Task.WhenAny(_process.WaitForExitAsync(), ClosedAsync(), Task.Delay(TimeSpan.FromSeconds(10)));
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();

        async Task ClosedAsync()
        {
            await _closed.Task;
            await Task.Delay(500); // time to exit on its own, as it does when no client holds a connection
        }
    }
}
