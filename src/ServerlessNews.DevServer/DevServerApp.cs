using Microsoft.Azure.WebJobs;
using ServerlessNews.DevServer.Apis;
using ServerlessNews.Operations;
using ServerlessNews.Storage;
using ServerlessNews.Telemetry;

namespace ServerlessNews.DevServer;

/// <summary>
/// Builds the DevServer: the Functions app's own function classes on Kestrel (HTTP) and on the WebJobs
/// SDK (queue and blob triggers: the engine inside the Functions host), for machines without Core Tools.
/// </summary>
public static partial class DevServerApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <param name="configure">Last changes to the builder (tests add log capture).</param>
    public static async Task<WebApplication> BuildAsync(
        string[] args, IDictionary<string, string?>? overrides = null, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json beside the app, wherever it is started from (the README runs it from the repository root).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        AddHostJson(builder.Configuration);

        // Like `func start` with Azurite: with no storage configured, run the repository's own Azurite.
        AzuriteProcess? azurite = null;
        if (!StorageConnection.IsConfigured(builder.Configuration))
        {
            var inMemory = builder.Configuration.GetValue<bool>("DevServer:InMemoryStorage");
            var location = inMemory ? null : Path.Combine(Directory.GetCurrentDirectory(), ".azurite");
            azurite = await AzuriteProcess.StartAsync(location, (10000, 10001, 10002));
            builder.Configuration[StorageConnection.SettingName] = azurite.ConnectionString;
        }

        builder.Services.AddServerlessNews(builder.Configuration);
        builder.Services.AddServerlessNewsTelemetry(builder.Configuration);
        builder.Services.AddFunctionClasses();
        // Tests that drive the queue handlers themselves turn the trigger listeners off.
        if (!builder.Configuration.GetValue<bool>("DevServer:DisableTriggers"))
        {
            builder.Host.ConfigureWebJobs(webJobs =>
            {
                webJobs.AddAzureStorageCoreServices();
                webJobs.AddAzureStorageQueues();
                webJobs.AddAzureStorageBlobs();
            });
            builder.Services.AddHostedService<SiteMaintenanceTimer>();
            builder.Services.AddHostedService<RecoveryAtStart>();
            builder.Services.AddSingleton<ITypeLocator>(new TriggerTypeLocator(typeof(WebJobsTriggers)));
            builder.Services.TolerateSharedBlobListenerStop();
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        if (azurite is not null)
        {
            LogAzurite(app.Logger, azurite.ProcessId, azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
            app.Lifetime.ApplicationStopped.Register(() => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }
        // Unhandled errors answer ProblemDetails, never a stack trace.
        app.UseExceptionHandler();
        app.MapFunctionEndpoints();
        app.MapStaticSite();
        return app;
    }

    /// <summary>
    /// host.json configures the Functions host's triggers; the WebJobs SDK reads the same settings under
    /// "AzureWebJobs", so both hosts poll, batch and retry alike.
    /// </summary>
    private static void AddHostJson(ConfigurationManager configuration)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(path))
        {
            return;
        }
        var hostJson = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        var mapped = hostJson.AsEnumerable()
            .Where(kv => kv.Value is not null && kv.Key.StartsWith("extensions:", StringComparison.OrdinalIgnoreCase))
            .Select(kv => KeyValuePair.Create("AzureWebJobs:" + kv.Key, kv.Value));
        // Added first so that environment variables and arguments still win.
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = mapped });
    }
}

public static partial class DevServerApp
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Started Azurite (pid {ProcessId}) on 127.0.0.1: blob {BlobPort}, queue {QueuePort}, table {TablePort}")]
    private static partial void LogAzurite(ILogger logger, int processId, int blobPort, int queuePort, int tablePort);
}

/// <summary>WebJobs finds functions only on the types it is given: the DevServer's trigger adapters.</summary>
internal sealed class TriggerTypeLocator(params Type[] types) : ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => types;
}
