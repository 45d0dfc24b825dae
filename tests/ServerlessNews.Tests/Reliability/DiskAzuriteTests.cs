using ServerlessNews.DevServer;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>
/// Fault tests run against an Azurite of their own with disk persistence, apart from the DevServer processes
/// they start, kill and start again, so that what was stored survives the host.
/// </summary>
public abstract class DiskAzuriteTests(string name) : IAsyncLifetime
{
    protected string Location { get; } = Path.Combine(Path.GetTempPath(), $"serverlessnews-{name}-" + Guid.NewGuid().ToString("N"));

    /// <summary>Replaced when a test stops storage and starts it again.</summary>
    protected AzuriteProcess Azurite { get; set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await AzuriteProcess.StartAsync(Location);

    public async ValueTask DisposeAsync()
    {
        await Azurite.DisposeAsync();
        Directory.Delete(Location, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The DevServer's settings every fault test shares: this storage, and queue messages retried at once.</summary>
    protected Dictionary<string, string> HostEnvironment(Dictionary<string, string> specific)
    {
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Webhooks__Secret"] = StorageFixture.Secret,
            ["Site__BaseUrl"] = StorageFixture.BaseUrl,
            ["AzureWebJobs__extensions__queues__visibilityTimeout"] = "00:00:00",
            ["AzureWebJobs__extensions__queues__maxPollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in specific)
        {
            environment[key] = value;
        }
        return environment;
    }
}
