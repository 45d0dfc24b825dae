using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessNews.DevServer;
using ServerlessNews.Storage;

namespace ServerlessNews.Bench;

/// <summary>A fresh in-memory emulator with the site's storage created, and the Core services against it.</summary>
public sealed class BenchSite : IAsyncDisposable
{
    private BenchSite(AzuriteProcess azurite, ServiceProvider services)
    {
        Azurite = azurite;
        Services = services;
    }

    public AzuriteProcess Azurite { get; }

    public ServiceProvider Services { get; }

    public static async Task<BenchSite> StartAsync()
    {
        var azurite = await AzuriteProcess.StartAsync(location: null);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Site:BaseUrl"] = "https://news.example.test",
            ["Site:TemplateRefresh"] = "01:00:00",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddServerlessNews(configuration)
            .BuildServiceProvider();
        await services.GetRequiredService<StorageBootstrap>().EnsureCreatedAsync(CancellationToken.None);
        return new BenchSite(azurite, services);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
