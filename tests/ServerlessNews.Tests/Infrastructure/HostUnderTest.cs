using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ServerlessNews.DevServer;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// One host of the Functions app as a separate process, on its own Azurite (with disk persistence, apart from the
/// host, so that the host can be killed and started again, and storage stopped and started again, with nothing
/// lost), seen from outside as a CMS, a reader and a moderator see it. The same scenarios run on every host:
/// the Azure Functions host (<see cref="FunctionsHost"/>) and the DevServer (<see cref="DevServerHost"/>).
/// </summary>
public abstract class HostUnderTest : IAsyncLifetime
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "serverlessnews-host-" + Guid.NewGuid().ToString("N"));

    /// <summary>The loopback port the host listens on, kept across restarts.</summary>
    protected int Port { get; } = LoopbackPorts.Free();

    public AzuriteProcess Azurite { get; private set; } = null!;

    /// <summary>The hosts' comment classifier: no opinion, unless a test stalls it.</summary>
    public StallingClassifier Classifier { get; private set; } = null!;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>A client that shows redirects instead of following them (the comment form's 303).</summary>
    public HttpClient Client { get; private set; } = null!;

    public BlobContainerClient Container(string name) => new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(name);

    public QueueClient Queue(string name) =>
        new QueueServiceClient(Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(name);

    /// <summary>
    /// The app's settings, as environment variables, for every host: the tests' secrets, comments open on every
    /// article and no flood window (every client here is 127.0.0.1), refreshes at once, the tests' classifier.
    /// </summary>
    public virtual Dictionary<string, string> Settings() => new()
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Webhooks__Secret"] = StorageFixture.Secret,
        ["Moderation__Key"] = StorageFixture.ModerationKey,
        ["Site__BaseUrl"] = StorageFixture.BaseUrl,
        ["Site__Name"] = "The Test Times",
        ["Comments__CloseAfterDays"] = "0",
        ["Comments__FloodWindow"] = "00:00:00",
        ["Refresh__Delay"] = "00:00:00",
        ["Moderation__Classifier"] = "http",
        ["Moderation__ClassifierEndpoint"] = Classifier.Endpoint,
    };

    /// <summary>
    /// host.json's queue settings changed for tests, as the host reads them: a failed message is retried at once
    /// and poisoned after two tries, an idle queue polled every half second.
    /// </summary>
    protected static Dictionary<string, string> QueueOverrides(string prefix) => new()
    {
        [prefix + "extensions__queues__visibilityTimeout"] = "00:00:00",
        [prefix + "extensions__queues__maxPollingInterval"] = "00:00:00.500",
        [prefix + "extensions__queues__maxDequeueCount"] = MaxDequeueCount.ToString(CultureInfo.InvariantCulture),
    };

    public const int MaxDequeueCount = 2;

    public async ValueTask InitializeAsync()
    {
        // A fresh emulator: the host creates every container, queue and table itself.
        Azurite = await AzuriteProcess.StartAsync(_location);
        Classifier = await StallingClassifier.StartAsync();
        Client = HostApi.Client(BaseAddress);
        await StartAsync(Settings());
    }

    /// <summary>Starts the host on <see cref="Port"/> and returns once the app answers.</summary>
    public abstract Task StartAsync(IDictionary<string, string> settings);

    /// <summary>
    /// Starts the host with these settings where the app must refuse to start, and returns what it wrote once
    /// the app has given up.
    /// </summary>
    public abstract Task<string> StartFailingAsync(IDictionary<string, string> settings);

    /// <summary>SIGKILL: no shutdown, in-flight work simply stops, as in a crash.</summary>
    public abstract void Crash();

    /// <summary>Everything the host has written so far.</summary>
    public abstract string Output();

    /// <summary>
    /// Uploads a file to a container with a blob trigger (<c>inbox/</c>, <c>images/</c>) and delivers it to the host
    /// as that trigger receives it.
    /// </summary>
    public async Task UploadAsync(string container, string name, BinaryData content)
    {
        await Container(container).UploadBlobAsync(name, content);
        await DeliverBlobCreatedAsync(container, name, content.ToMemory().Length);
    }

    protected abstract Task DeliverBlobCreatedAsync(string container, string name, long length);

    /// <summary>
    /// Starts the host again unless the app answers: a host whose storage was gone longer than its queue listeners
    /// retry stops (both hosts do; in Azure the platform starts it again).
    /// </summary>
    public async Task EnsureAnsweringAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(new Uri("/api/articles/ready-probe", UriKind.Relative));
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // not answering
        }
        await StopHostAsync();
        await StartAsync(Settings());
    }

    /// <summary>Stops storage (the data stays on disk).</summary>
    public async Task StopStorageAsync() => await Azurite.DisposeAsync();

    /// <summary>Starts storage again on the same ports with the same data.</summary>
    public async Task StartStorageAsync() =>
        Azurite = await AzuriteProcess.StartAsync(_location, (Azurite.BlobPort, Azurite.QueuePort, Azurite.TablePort));

    protected abstract ValueTask StopHostAsync();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await StopHostAsync();
        if (Classifier is not null)
        {
            await Classifier.DisposeAsync();
        }
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
        if (Directory.Exists(_location))
        {
            Directory.Delete(_location, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}
