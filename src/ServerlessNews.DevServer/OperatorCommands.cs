using ServerlessNews.Operations;
using ServerlessNews.Storage;

namespace ServerlessNews.DevServer;

public static class OperatorCommands
{
    public static async Task<int> ReplayPoisonAsync(string queue, string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        if (!StorageConnection.IsConfigured(builder.Configuration))
        {
            await Console.Error.WriteLineAsync("Set AzureWebJobsStorage (or AzureWebJobsStorage__accountName) to the storage to replay in.");
            return 2;
        }
        builder.Services.AddServerlessNews(builder.Configuration);
        using var host = builder.Build();
        try
        {
            var count = await host.Services.GetRequiredService<PoisonReplay>().ReplayAsync(queue, CancellationToken.None);
            Console.WriteLine($"Replayed {count} message(s) from {queue}-poison onto {queue}.");
            return 0;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }
}
