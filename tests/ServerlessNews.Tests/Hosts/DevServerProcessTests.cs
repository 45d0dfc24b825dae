using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ServerlessNews.DevServer;

namespace ServerlessNews.Tests.Hosts;

/// <summary>The README's run command on a machine with nothing configured: the DevServer starts its own Azurite.</summary>
public sealed partial class DevServerProcessTests
{
    [GeneratedRegex(@"Started Azurite \(pid (\d+)\) on 127\.0\.0\.1: blob (\d+)")]
    private static partial Regex AzuriteLine();

    [Fact]
    public async Task With_no_storage_configured_it_runs_its_own_Azurite_and_stops_it_on_shutdown()
    {
        await using var server = await RunningDevServer.StartAsync(ownProcessGroup: false);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var response = await client.GetAsync(new Uri("/api/articles/not-there", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(IsListening(server.BlobPort));

        await SignalAsync("-TERM", server.Process.Id.ToString(CultureInfo.InvariantCulture));
        await server.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));
        await AzuriteStopsAsync(server.BlobPort, "Azurite to stop with the DevServer");
    }

    [Fact]
    public async Task Ctrl_C_in_its_terminal_stops_it_and_its_Azurite_within_seconds_and_without_an_error()
    {
        // A terminal's Ctrl+C sends SIGINT to every process of its foreground process group.
        await using var server = await RunningDevServer.StartAsync(ownProcessGroup: true);
        var stopping = Stopwatch.StartNew();
        await SignalAsync("-INT", "--", "-" + server.Process.Id.ToString(CultureInfo.InvariantCulture));
        await server.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
        Assert.Equal(0, server.Process.ExitCode);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"The DevServer took {stopping.Elapsed.TotalSeconds:0.0} s to stop:\n{server.Output}");
        await AzuriteStopsAsync(server.BlobPort, "Azurite to stop with the DevServer");
    }

    [Fact]
    public async Task Its_Azurite_stops_by_itself_when_the_DevServer_is_killed_outright()
    {
        await using var server = await RunningDevServer.StartAsync(ownProcessGroup: false);
        server.Process.Kill(entireProcessTree: false);
        await AzuriteStopsAsync(server.BlobPort, "the orphaned Azurite to stop");
    }

    private static async Task AzuriteStopsAsync(int blobPort, string what) =>
        await Infrastructure.Poll.UntilAsync<object>(() => Task.FromResult<object?>(IsListening(blobPort) ? null : new object()), TimeSpan.FromSeconds(10), what);

    private static async Task SignalAsync(params string[] killArguments)
    {
        using var kill = Process.Start("kill", killArguments);
        await kill.WaitForExitAsync();
    }

    /// <summary>The DevServer with no storage configured, answering HTTP, with the Azurite it started.</summary>
    private sealed class RunningDevServer(Process process, int port, int blobPort, StringBuilder output) : IAsyncDisposable
    {
        public Process Process => process;
        public int Port => port;
        public int BlobPort => blobPort;

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        /// <param name="ownProcessGroup">Started through setsid, as a terminal starts a foreground job: in a process group of its own.</param>
        public static async Task<RunningDevServer> StartAsync(bool ownProcessGroup)
        {
            var port = FreePort();
            var start = new ProcessStartInfo(ownProcessGroup ? "setsid" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (ownProcessGroup)
            {
                start.ArgumentList.Add("dotnet"); // exec'd in place: the process is the DevServer, and leads its group
            }
            start.ArgumentList.Add(typeof(DevServerApp).Assembly.Location);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment.Remove("AzureWebJobsStorage");
            start.Environment["DevServer__InMemoryStorage"] = "true";
            start.Environment["Logging__LogLevel__Default"] = "Information";
            var process = Process.Start(start)!;
            var output = new StringBuilder();
            var azurite = new TaskCompletionSource<int>();
            void Collect(string? line)
            {
                if (line is null)
                {
                    return;
                }
                lock (output)
                {
                    output.AppendLine(line);
                }
                if (AzuriteLine().Match(line) is { Success: true } m)
                {
                    azurite.TrySetResult(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                }
            }
            process.OutputDataReceived += (_, e) => Collect(e.Data);
            process.ErrorDataReceived += (_, e) => Collect(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new RunningDevServer(process, port, 0, output);
            try
            {
                var blobPort = await azurite.Task.WaitAsync(TimeSpan.FromSeconds(60));
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await Infrastructure.Poll.UntilAsync<HttpResponseMessage?>(async () =>
                {
                    try
                    {
                        return await client.GetAsync(new Uri("/api/articles/not-there", UriKind.Relative));
                    }
                    catch (HttpRequestException)
                    {
                        return null;
                    }
                }, TimeSpan.FromSeconds(60), "the DevServer to answer");
                return new RunningDevServer(process, port, blobPort, output);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }

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
