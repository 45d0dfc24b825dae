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
        return await UntilStorageFailsAsync("rebuild", async () =>
        {
            var result = await host.Services.GetRequiredService<SiteBuild>()
                .RebuildAsync(Progress(dryRun ? "Rendered" : "Rebuilt"), Parallelism, CancellationToken.None, dryRun);
            Console.Error.WriteLine();
            Console.WriteLine(dryRun
                ? $"Rendered {result.ArticlePages} article pages in {result.Elapsed.TotalSeconds:0.00} s, with {result.OtherFiles} other files of the site; nothing was written (dry run)."
                : $"Rebuilt {result.ArticlePages} article pages in {result.Elapsed.TotalSeconds:0.00} s, with {result.OtherFiles} other files of the site: {result.Written} files written, {result.Removed} removed, {result.IndexRowsRepaired} index rows repaired.");
            // Where this process's CPU went, for an operator wondering why a rebuild takes what it takes.
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            Console.WriteLine(System.FormattableString.Invariant(
                $"CPU {self.TotalProcessorTime.TotalSeconds:0.0} s (compiling code {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.0} s, garbage collection pauses {GC.GetTotalPauseDuration().TotalSeconds:0.0} s, {GC.GetTotalAllocatedBytes() / 1e9:0.0} GB allocated)."));
            return 0;
        });
    }

    /// <summary>
    /// Renders the whole site into memory and lists every difference from <c>$web</c>; exit code 1 when there is any.
    /// </summary>
    public static async Task<int> VerifyAsync(string[] args)
    {
        BatchPriority.Lower();
        using var host = BuildHost(args);
        if (host is null)
        {
            return 2;
        }
        return await UntilStorageFailsAsync("verify", async () =>
        {
            var differences = await host.Services.GetRequiredService<SiteBuild>().VerifyAsync(Progress("Rendered"), Parallelism, CancellationToken.None);
            Console.Error.WriteLine();
            foreach (var difference in differences)
            {
                Console.WriteLine($"{difference.Kind} /{difference.Name}{(difference.Detail.Length > 0 ? ": " + difference.Detail : "")}");
            }
            Console.WriteLine(differences.Count == 0
                ? "The site equals a clean build of its index."
                : $"{differences.Count} difference(s) from a clean build of the index.");
            return differences.Count == 0 ? 0 : 1;
        });
    }

    private const int Parallelism = 16;

    private static Progress<RebuildProgress> Progress(string verb) => new(p => Console.Error.Write(p.Phase switch
    {
        "index" => "\rReading the index…   ",
        "listings" => $"\r{verb} {p.Done}/{p.Total} listing outputs   ",
        _ => $"\r{verb} {p.Done}{(p.Total is { } total ? "/" + total : "")} article pages ({p.Done / Math.Max(p.Elapsed.TotalSeconds, 0.001):0}/s)   ",
    }));

    /// <summary>
    /// Runs a command's work against storage: storage that fails ends it with one line and exit code 1, not an
    /// unhandled exception. Every command can simply run again: a rebuild never replaces a page with an older
    /// one and keeps what it wrote, a verify writes nothing, and a replay sends each message before it deletes it.
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
