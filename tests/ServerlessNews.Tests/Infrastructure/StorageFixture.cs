using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.DevServer;
using ServerlessNews.Publishing;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// A real Azurite (in memory, on free loopback ports) for one test class, and the Core services wired
/// to it exactly as the hosts wire them. Tests play the trigger host by draining queues themselves.
/// </summary>
public class StorageFixture : IAsyncLifetime
{
    public const string Secret = "whsec_dGVzdC1zZWNyZXQtZm9yLXNlcnZlcmxlc3NuZXdzIQ==";
    public const string BaseUrl = "https://news.example.test";
    public const string ModerationKey = "test-moderation-key";

    private AzuriteProcess? _azurite;
    private ServiceProvider? _services;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Not started.");
    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not started.");
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public string ConnectionString => Azurite.ConnectionString;

    public BlobContainerClient Container(string name) => Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(name);
    public QueueClient Queue(string name) => Services.GetRequiredService<QueueServiceClient>().GetQueueClient(name);
    public TableClient Table(string name) => Services.GetRequiredService<TableServiceClient>().GetTableClient(name);
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public virtual async ValueTask InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync(location: null);
        _services = BuildServices();
        await Get<StorageBootstrap>().EnsureCreatedAsync(CancellationToken.None);
    }

    /// <summary>A fresh set of Core services on this Azurite: what a restarted host would have (with other settings, if given).</summary>
    /// <param name="configure">Last changes to the services (a test that injects faults).</param>
    public ServiceProvider BuildServices(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? Settings()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddServerlessNews(configuration);
        services.AddSingleton<TimeProvider>(Clock);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public virtual Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Webhooks:Secret"] = Secret,
        ["Site:BaseUrl"] = BaseUrl,
        ["Site:Name"] = "The Test Times",
        ["Site:TemplateRefresh"] = "00:00:00",
        // Tests drain the refresh queue by hand; coalescing comes from the pending markers, not the wait.
        ["Refresh:Delay"] = "00:00:00",
        ["Moderation:Key"] = ModerationKey,
    };

    /// <summary>Plays a queue trigger: handles every visible message of one queue until it is empty.</summary>
    public async Task<int> DrainQueueAsync(string queueName, Func<QueueMessage, Task> handle)
    {
        var queue = Queue(queueName);
        var handled = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value;
            if (batch.Length == 0)
            {
                return handled;
            }
            foreach (var message in batch)
            {
                await handle(message);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
            }
        }
    }

    public Task<int> DrainPublishQueueAsync(IServiceProvider? services = null)
    {
        var publishing = (services ?? Services).GetRequiredService<PublishingPipeline>();
        return DrainQueueAsync(StorageNames.PublishQueue, m => publishing.HandleAsync(m.MessageText, m.DequeueCount, CancellationToken.None));
    }

    public Task<int> DrainRefreshQueueAsync()
    {
        var refresher = Get<SiteRefresher>();
        return DrainQueueAsync(StorageNames.RefreshQueue, m => refresher.HandleAsync(m.MessageText, CancellationToken.None));
    }

    public async Task DrainAsync()
    {
        await DrainPublishQueueAsync();
        await DrainRefreshQueueAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
