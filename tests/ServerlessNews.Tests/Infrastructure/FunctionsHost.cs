using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessNews.DevServer;
using ServerlessNews.Storage;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// The published Functions app under the Azure Functions host built from its public sources
/// (<c>../shared/functions-host/run.sh</c>), as Core Tools and Azure run it: HTTP through the host's routing and
/// keys, queues and the Event Grid-sourced blob trigger through the host's extensions, the app in its worker.
/// </summary>
public sealed class FunctionsHost : HostUnderTest
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "serverlessnews-functions-host-" + Guid.NewGuid().ToString("N"));
    private HostProcess? _process;

    /// <summary>The host's master (admin) key: the Event Grid blob webhook and the admin API take it.</summary>
    public string MasterKey { get; } = Convert.ToHexString(Guid.NewGuid().ToByteArray());

    /// <summary>The Functions host reads host.json overrides under "AzureFunctionsJobHost".</summary>
    private Dictionary<string, string> HostEnvironment(IDictionary<string, string> settings, int port, string state) =>
        new(settings.Concat(QueueOverrides("AzureFunctionsJobHost__")))
        {
            ["FUNCTIONS_HOST_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FUNCTIONS_HOST_STATE"] = state,
            ["FUNCTIONS_HOST_MASTER_KEY"] = MasterKey,
        };

    /// <summary>
    /// Runs the host in the app's folder, as Core Tools does: the host reads appsettings.json from its working
    /// directory, and the tests' own folder has the DevServer's (whose log levels would hide the worker's output).
    /// </summary>
    private static async Task<HostProcess> LaunchAsync(IDictionary<string, string> environment)
    {
        var app = await FunctionsApp.PublishedAsync();
        return HostProcess.Start("functions-host", ["bash", FunctionsApp.RunScript, app], environment, workingDirectory: app);
    }

    public override async Task StartAsync(IDictionary<string, string> settings)
    {
        _process?.Dispose();
        _process = await LaunchAsync(HostEnvironment(settings, Port, _state));
        var process = _process;
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // Ready once the app itself answers: its 404 is ProblemDetails, the host's own 404 has no body.
        await Poll.UntilAsync<object>(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Functions host exited ({process.ExitCode}) before the app answered:\n{process.Output()}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri("/api/articles/ready-probe", UriKind.Relative));
                return response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? new object() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(180), "the Functions host to run the app");
    }

    /// <summary>
    /// The worker ends at start; the host starts it again a few times, gives up and stops serving (in Azure the
    /// platform would then recycle the host). What the host logged up to then is returned.
    /// </summary>
    public override async Task<string> StartFailingAsync(IDictionary<string, string> settings)
    {
        var state = _state + "-failing";
        using var process = await LaunchAsync(HostEnvironment(settings, LoopbackPorts.Free(), state));
        try
        {
            return await Poll.UntilAsync(() => Task.FromResult(
                process.HasExited || process.Output().Contains("Exceeded language worker restart retry count", StringComparison.Ordinal) ? process.Output() : null),
                TimeSpan.FromSeconds(180), "the Functions host to give up on the worker");
        }
        finally
        {
            process.Dispose();
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>
    /// SIGKILL of the host process. Its worker does not end with it (it keeps running, orphaned, until killed), so it
    /// is killed next, as a machine or container that dies takes both.
    /// </summary>
    public override void Crash()
    {
        _process!.Crash();
        _process.Signal("-KILL", group: true);
    }

    public override string Output() => _process?.Output() ?? "";

    /// <summary>What Event Grid posts for a BlobCreated event, to the blob extension's webhook, with the master key.</summary>
    public HttpRequestMessage BlobCreatedEvent(string container, string name, long length, string? key)
    {
        var blobUrl = $"http://127.0.0.1:{Azurite.BlobPort}/devstoreaccount1/{container}/{Uri.EscapeDataString(name)}";
        var events = new JsonArray(new JsonObject
        {
            ["topic"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
            ["subject"] = $"/blobServices/default/containers/{container}/blobs/{name}",
            ["eventType"] = "Microsoft.Storage.BlobCreated",
            ["id"] = Guid.NewGuid().ToString(),
            ["eventTime"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = new JsonObject
            {
                ["api"] = "PutBlob",
                ["contentType"] = "application/octet-stream",
                ["contentLength"] = length,
                ["blobType"] = "BlockBlob",
                ["url"] = blobUrl,
            },
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
        });
        var function = container switch
        {
            StorageNames.InboxContainer => "InboxDrop",
            StorageNames.ImagesContainer => "MakeImageRenditions",
            _ => throw new ArgumentOutOfRangeException(nameof(container), container, "no blob trigger on this container"),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/runtime/webhooks/blobs?functionName=Host.Functions." + function)
        {
            Content = new StringContent(events.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "Notification");
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }
        return request;
    }

    protected override async Task DeliverBlobCreatedAsync(string container, string name, long length)
    {
        using var response = await Client.SendAsync(BlobCreatedEvent(container, name, length, MasterKey));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"The blob extension's webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    protected override ValueTask StopHostAsync()
    {
        _process?.Dispose();
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
