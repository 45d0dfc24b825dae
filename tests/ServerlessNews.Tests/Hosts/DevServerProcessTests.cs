using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ServerlessNews.DevServer;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Hosts;

/// <summary>The README's run command on a machine with nothing configured: the DevServer starts its own Azurite.</summary>
public sealed partial class DevServerProcessTests
{
    [GeneratedRegex(@"Started Azurite \(pid (\d+)\) on 127\.0\.0\.1: blob (\d+)")]
    private static partial Regex AzuriteLine();

    [Fact]
    public async Task With_no_storage_configured_it_runs_its_own_Azurite_and_stops_it_on_shutdown()
    {
        using var server = OwnAzuriteServer.Start(inMemory: true);
        var (_, blobPort) = await server.Azurite.WaitAsync(TimeSpan.FromSeconds(60));
        var response = await server.UntilAnsweringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(IsListening(blobPort));

        Signal("-TERM", server.Process.Id);
        await server.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync<object>(() => Task.FromResult<object?>(IsListening(blobPort) ? null : new object()),
            TimeSpan.FromSeconds(10), "Azurite to stop with the DevServer");
    }

    /// <summary>
    /// Ctrl+C in a terminal signals the whole foreground process group. Azurite is not in it: the DevServer stops
    /// first and then stops Azurite, so its shutdown neither waits for storage that is gone nor logs its errors.
    /// </summary>
    [Fact]
    public async Task Ctrl_C_stops_the_DevServer_and_its_Azurite_within_seconds_without_errors_and_keeps_what_was_published()
    {
        // A process that starts with SIGINT ignored (a background job of a script) passes that on: Ctrl+C cannot reach it.
        Assert.SkipWhen(SigIntIgnoredHere(), "SIGINT is ignored in this test process, so the DevServer it starts would ignore it too.");
        var folder = Directory.CreateTempSubdirectory("serverlessnews-ctrl-c-");
        try
        {
            int azuritePid;
            // The DevServer leads a process group of its own, as a command run in a terminal does.
            using (var server = OwnAzuriteServer.Start(inMemory: false, folder.FullName, newProcessGroup: true))
            {
                (azuritePid, _) = await server.Azurite.WaitAsync(TimeSpan.FromSeconds(60));
                await server.UntilAnsweringAsync();
                var accepted = await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("ctrl-c-keeps")));
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(server.Client, "ctrl-c-keeps") == "published" ? "ok" : null,
                    TimeSpan.FromSeconds(60), "the article to be published");
                // Ctrl+C while a queue function runs cancels it (its message is delivered again at the next start) and
                // the host logs that: here the host is idle, its publish and the refreshes after it done.
                await Poll.UntilAsync(() => Task.FromResult<object?>(server.Idle() ? server : null), TimeSpan.FromSeconds(60),
                    "the publish and the refreshes after it to finish");

                var stopwatch = Stopwatch.StartNew();
                Signal("-INT", -server.Process.Id); // the terminal's Ctrl+C: every process of the group
                Assert.True(server.Process.WaitForExit(TimeSpan.FromSeconds(8)), $"The DevServer was still running 8 s after Ctrl+C.\n{server.Output}");
                Assert.Equal(0, server.Process.ExitCode);
                Assert.True(await ExitsWithinAsync(azuritePid, TimeSpan.FromSeconds(8) - stopwatch.Elapsed), "Azurite was still running 8 s after Ctrl+C.");
                Assert.False(server.Output.Contains("Exception", StringComparison.Ordinal) || server.Output.Contains("fail:", StringComparison.Ordinal),
                    $"The DevServer reported errors as it stopped:\n{server.Output}");
            }

            using var restarted = OwnAzuriteServer.Start(inMemory: false, folder.FullName);
            await restarted.UntilAnsweringAsync();
            Assert.Equal("published", await HostApi.ArticleStateAsync(restarted.Client, "ctrl-c-keeps"));
            Signal("-TERM", restarted.Process.Id);
            await restarted.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_DevServer_that_is_killed_takes_its_Azurite_with_it()
    {
        using var server = OwnAzuriteServer.Start(inMemory: true);
        var (azuritePid, _) = await server.Azurite.WaitAsync(TimeSpan.FromSeconds(60));
        await server.UntilAnsweringAsync();

        server.Process.Kill(entireProcessTree: false); // SIGKILL: no shutdown, nothing stops Azurite
        await server.Process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(await ExitsWithinAsync(azuritePid, TimeSpan.FromSeconds(10)), "Azurite outlived the DevServer that started it by 10 s.");
    }

    /// <summary>The DevServer as the README runs it, with no storage configured, and what it writes.</summary>
    private sealed class OwnAzuriteServer : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource<(int Pid, int BlobPort)> _azurite = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private (int Length, Stopwatch Watch)? _quietSince;

        private OwnAzuriteServer(Process process, int port)
        {
            Process = process;
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        }

        public Process Process { get; }
        public HttpClient Client { get; }
        public Task<(int Pid, int BlobPort)> Azurite => _azurite.Task;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        /// <param name="folder">The working directory, where Azurite keeps its data (.azurite) unless in memory.</param>
        /// <param name="newProcessGroup">Lead a process group of its own (through setsid), as a command in a terminal does.</param>
        public static OwnAzuriteServer Start(bool inMemory, string? folder = null, bool newProcessGroup = false)
        {
            var port = FreePort();
            var start = new ProcessStartInfo(newProcessGroup ? "setsid" : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder ?? Directory.GetCurrentDirectory(),
            };
            foreach (var arg in (string[])[.. newProcessGroup ? ["dotnet"] : Array.Empty<string>(), typeof(DevServerApp).Assembly.Location, "--urls", $"http://127.0.0.1:{port}"])
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment.Remove("AzureWebJobsStorage");
            start.Environment["DevServer__InMemoryStorage"] = inMemory ? "true" : "false";
            start.Environment["Webhooks__Secret"] = StorageFixture.Secret;
            start.Environment["Logging__LogLevel__Default"] = "Information";
            var server = new OwnAzuriteServer(Process.Start(start)!, port);
            server.Process.OutputDataReceived += (_, e) => server.Record(e.Data);
            server.Process.ErrorDataReceived += (_, e) => server.Record(e.Data);
            server.Process.BeginOutputReadLine();
            server.Process.BeginErrorReadLine();
            return server;
        }

        private void Record(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
            if (AzuriteLine().Match(line) is { Success: true } m)
            {
                _azurite.TrySetResult((int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
            }
        }

        /// <summary>A refresh has run, every function the host started has ended, and nothing was logged for a second.</summary>
        public bool Idle()
        {
            var output = Output;
            if (!output.Contains("Executed 'RefreshPages'", StringComparison.Ordinal)
                || Regex.Count(output, "Executing '") != Regex.Count(output, "Executed '"))
            {
                _quietSince = null;
                return false;
            }
            if (_quietSince is not { } since || since.Length != output.Length)
            {
                _quietSince = (output.Length, Stopwatch.StartNew());
                return false;
            }
            return since.Watch.Elapsed > TimeSpan.FromSeconds(1);
        }

        public async Task<HttpResponseMessage> UntilAnsweringAsync() =>
            (await Poll.UntilAsync<HttpResponseMessage?>(async () =>
            {
                try
                {
                    return await Client.GetAsync(new Uri("/api/articles/not-there", UriKind.Relative));
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, TimeSpan.FromSeconds(60), "the DevServer to answer"))!;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
            Client.Dispose();
        }
    }

    /// <param name="target">A process id, or a process group's id negated.</param>
    private static void Signal(string signal, int target)
    {
        using var kill = Process.Start("kill", [signal, "--", target.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static async Task<bool> ExitsWithinAsync(int pid, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        do
        {
            // A process that has ended is gone from /proc once reaped; a zombie (state Z) has ended too.
            if (!File.Exists($"/proc/{pid}/stat") || File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z'))
            {
                return true;
            }
            await Task.Delay(100);
        }
        while (deadline.Elapsed < timeout);
        return false;
    }

    /// <summary>Whether SIGINT (signal 2) is in this process's ignored set (SigIgn in /proc/self/status, a hex mask).</summary>
    private static bool SigIntIgnoredHere() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 1)) != 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
