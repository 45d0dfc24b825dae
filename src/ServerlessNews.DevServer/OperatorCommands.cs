using ServerlessNews.Operations;
using ServerlessNews.Storage;

namespace ServerlessNews.DevServer;

public static class OperatorCommands
{
    /// <summary>A host with the Core services only (no HTTP, no triggers), against the configured storage.</summary>
    private static IHost? BuildHost(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        if (!StorageConnection.IsConfigured(builder.Configuration))
        {
            Console.Error.WriteLine("Set AzureWebJobsStorage (or AzureWebJobsStorage__accountName) to the storage to work on.");
            return null;
        }
        builder.Services.AddServerlessNews(builder.Configuration);
        return builder.Build();
    }

    public static async Task<int> RebuildAsync(string[] args)
    {
        BatchPriority.Lower();
        using var host = BuildHost(args);
        if (host is null)
        {
            return 2;
        }
        var dryRun = args.Contains("--dry-run");
        var progress = new Progress<RebuildProgress>(p => Console.Error.Write(
            $"\r{(dryRun ? "Rendered" : "Rebuilt")} {p.Done}{(p.Total is { } total ? "/" + total : "")} article pages ({p.Done / Math.Max(p.Elapsed.TotalSeconds, 0.001):0}/s)   "));
        return await UntilStorageFailsAsync("rebuild", async () =>
        {
            var result = await host.Services.GetRequiredService<SiteRebuild>()
                .RebuildArticlesAsync(progress, parallelism: 16, CancellationToken.None, dryRun);
            Console.Error.WriteLine();
            Console.WriteLine(dryRun
                ? $"Rendered {result.Done - result.Skipped} article pages in {result.Elapsed.TotalSeconds:0.00} s; nothing was written (dry run)."
                : $"Rebuilt {result.Done - result.Skipped} article pages in {result.Elapsed.TotalSeconds:0.00} s.");
            // Where this process's CPU went, for an operator wondering why a rebuild takes what it takes.
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            Console.WriteLine(System.FormattableString.Invariant(
                $"CPU {self.TotalProcessorTime.TotalSeconds:0.0} s (compiling code {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.0} s, garbage collection pauses {GC.GetTotalPauseDuration().TotalSeconds:0.0} s, {GC.GetTotalAllocatedBytes() / 1e9:0.0} GB allocated)."));
            return 0;
        });
    }

    /// <summary>
    /// Runs a command's work against storage: storage that fails ends it with one line and exit code 1, not an
    /// unhandled exception. Both commands can simply run again: a rebuild never replaces a page with an older
    /// one and keeps what it wrote, and a replay sends each message before it deletes it.
    /// </summary>
    private static async Task<int> UntilStorageFailsAsync(string command, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (StorageFailure(e) is { } failure)
        {
            await Console.Error.WriteLineAsync($"{Environment.NewLine}The {command} stopped: storage failed ({failure.Message}). Run it again once storage answers.");
            return 1;
        }
    }

    /// <summary>The storage request that failed, even inside what a parallel loop throws.</summary>
    private static Azure.RequestFailedException? StorageFailure(Exception e) => e switch
    {
        Azure.RequestFailedException failure => failure,
        AggregateException aggregate => aggregate.InnerExceptions.Select(StorageFailure).FirstOrDefault(f => f is not null),
        _ => null,
    };

    public static async Task<int> ReplayPoisonAsync(string queue, string[] args)
    {
        using var host = BuildHost(args);
        if (host is null)
        {
            return 2;
        }
        return await UntilStorageFailsAsync("replay", async () =>
        {
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
        });
    }
}
