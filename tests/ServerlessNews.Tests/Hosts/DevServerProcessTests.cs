using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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
        using var server = await StartWithOwnAzuriteAsync(inMemory: true);
        var (_, blobPort) = OwnAzurite(server);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var response = await client.GetAsync(new Uri("/api/articles/not-there", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(IsListening(blobPort));

        server.Signal("-TERM");
        Assert.True(server.ExitsWithin(TimeSpan.FromSeconds(30)), "The DevServer was still running 30 s after SIGTERM.");
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
            // The DevServer leads a process group of its own, as a command run in a terminal does.
            using (var server = await StartWithOwnAzuriteAsync(inMemory: false, folder.FullName, newProcessGroup: true))
            {
                var (azuritePid, _) = OwnAzurite(server);
                using var client = new HttpClient { BaseAddress = server.BaseAddress };
                var accepted = await client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("ctrl-c-keeps")));
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                await Poll.UntilAsync(async () => await HostApi.ArticleStateAsync(client, "ctrl-c-keeps") == "published" ? "ok" : null,
                    TimeSpan.FromSeconds(60), "the article to be published");
                // Ctrl+C while a queue function runs cancels it (its message is delivered again at the next start) and
                // the host logs that: here the host is idle, its publish and the refreshes after it done.
                var idle = new IdleHost();
                await Poll.UntilAsync(() => Task.FromResult<object?>(idle.Seen(server.Output()) ? idle : null), TimeSpan.FromSeconds(60),
                    "the publish and the refreshes after it to finish");

                var stopwatch = Stopwatch.StartNew();
                server.Signal("-INT", group: true); // the terminal's Ctrl+C: every process of the group
                Assert.True(server.ExitsWithin(TimeSpan.FromSeconds(8)), $"The DevServer was still running 8 s after Ctrl+C.\n{server.Output()}");
                Assert.Equal(0, await server.WaitForExitAsync());
                Assert.True(await ExitsWithinAsync(azuritePid, TimeSpan.FromSeconds(8) - stopwatch.Elapsed), "Azurite was still running 8 s after Ctrl+C.");
                var output = server.Output();
                Assert.False(output.Contains("Exception", StringComparison.Ordinal) || output.Contains("fail:", StringComparison.Ordinal),
                    $"The DevServer reported errors as it stopped:\n{output}");
            }

            using var restarted = await StartWithOwnAzuriteAsync(inMemory: false, folder.FullName);
            using (var client = new HttpClient { BaseAddress = restarted.BaseAddress })
            {
                Assert.Equal("published", await HostApi.ArticleStateAsync(client, "ctrl-c-keeps"));
            }
            restarted.Signal("-TERM");
            Assert.True(restarted.ExitsWithin(TimeSpan.FromSeconds(30)), "The DevServer was still running 30 s after SIGTERM.");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_DevServer_that_is_killed_takes_its_Azurite_with_it()
    {
        using var server = await StartWithOwnAzuriteAsync(inMemory: true);
        var (azuritePid, _) = OwnAzurite(server);

        server.Crash(); // SIGKILL of the DevServer alone: no shutdown, nothing stops Azurite

        Assert.True(await ExitsWithinAsync(azuritePid, TimeSpan.FromSeconds(10)), "Azurite outlived the DevServer that started it by 10 s.");
    }

    /// <summary>The DevServer as the README runs it, with no storage configured (an empty setting is none), logging what it starts.</summary>
    private static Task<DevServerProcess> StartWithOwnAzuriteAsync(bool inMemory, string? folder = null, bool newProcessGroup = false) =>
        DevServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = "",
            ["DevServer__InMemoryStorage"] = inMemory ? "true" : "false",
            ["Webhooks__Secret"] = StorageFixture.Secret,
            ["Logging__LogLevel__Default"] = "Information",
        }, folder, newProcessGroup);

    /// <summary>The Azurite the DevServer started, from its log line (written before it listens).</summary>
    private static (int Pid, int BlobPort) OwnAzurite(DevServerProcess server)
    {
        var m = AzuriteLine().Match(server.Output());
        Assert.True(m.Success, $"The DevServer did not say it started Azurite:\n{server.Output()}");
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>A refresh has run, every function the host started has ended, and nothing was logged for a second.</summary>
    private sealed class IdleHost
    {
        private (int Length, Stopwatch Watch)? _quietSince;

        public bool Seen(string output)
        {
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
