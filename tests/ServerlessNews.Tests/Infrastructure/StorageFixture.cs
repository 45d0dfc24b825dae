using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.DevServer;
using ServerlessNews.Publishing;
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
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddServerlessNews(configuration);
        services.AddSingleton<TimeProvider>(Clock);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await Get<StorageBootstrap>().EnsureCreatedAsync(CancellationToken.None);
    }

    public virtual Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Webhooks:Secret"] = Secret,
        ["Site:BaseUrl"] = BaseUrl,
        ["Site:Name"] = "The Test Times",
        ["Site:TemplateRefresh"] = "00:00:00",
        ["Moderation:Key"] = ModerationKey,
    };

    /// <summary>Plays the queue trigger: handles every visible publish message until the queue is empty.</summary>
    public async Task<int> DrainPublishQueueAsync()
    {
        var queue = Queue(StorageNames.PublishQueue);
        var publisher = Get<Publisher>();
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
                await publisher.HandleAsync(message.MessageText, message.DequeueCount, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
            }
        }
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
