using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var port = FreePort();
        var dll = typeof(DevServerApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("AzureWebJobsStorage");
        start.Environment["DevServer__InMemoryStorage"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        using var process = Process.Start(start)!;
        var azurite = new TaskCompletionSource<(int Pid, int BlobPort)>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && AzuriteLine().Match(e.Data) is { Success: true } m)
            {
                azurite.TrySetResult((int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var (_, blobPort) = await azurite.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var response = await Infrastructure.Poll.UntilAsync<HttpResponseMessage?>(async () =>
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
            Assert.Equal(HttpStatusCode.NotFound, response!.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(IsListening(blobPort));

            using (Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
            }
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));
            await Infrastructure.Poll.UntilAsync<object>(() => Task.FromResult<object?>(IsListening(blobPort) ? null : new object()),
                TimeSpan.FromSeconds(10), "Azurite to stop with the DevServer");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
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
