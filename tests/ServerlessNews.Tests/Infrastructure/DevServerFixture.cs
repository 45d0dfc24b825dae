using Microsoft.AspNetCore.Builder;
using ServerlessNews.DevServer;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// The DevServer in this process, on a free loopback port, against this class's Azurite. With
/// <see cref="Triggers"/> off, tests run the queue handlers themselves and see every step.
/// </summary>
public class DevServerFixture : StorageFixture
{
    private WebApplication? _app;

    protected virtual bool Triggers => false;

    /// <summary>Last changes to the DevServer's builder, for fixtures that need more than settings.</summary>
    protected virtual void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
    {
    }

    public HttpClient Client { get; private set; } = null!;

    public WebApplication App => _app ?? throw new InvalidOperationException("Not started.");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var settings = Settings();
        settings.TryAdd("urls", "http://127.0.0.1:0");
        settings["DevServer:DisableTriggers"] = Triggers ? "false" : "true";
        settings["Logging:LogLevel:Default"] = "Warning";
        _app = await DevServerApp.BuildAsync([], settings, Configure);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public override async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
