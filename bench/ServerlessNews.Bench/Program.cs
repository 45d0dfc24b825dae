using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessNews;
using ServerlessNews.Bench;
using ServerlessNews.DevServer;
using ServerlessNews.Storage;

// dotnet run -c Release --project bench/ServerlessNews.Bench -- [--quick] [--scale] [--only render|publish|intake] | --micro [BenchmarkDotNet args]
// --scale adds the 10,000-article scale benchmark (seeding alone takes minutes on the emulator).
if (args is ["--micro", .. var rest])
{
    BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(rest);
    return 0;
}
if (args is [CommentIntakeBench.ClientFlag, .. var clientArgs])
{
    return await CommentIntakeBench.ClientAsync(clientArgs); // the comment intake bench's load, in its own process
}
if (args is [ScaleBench.UploadOnlyFlag, .. var passArgs])
{
    return await ScaleBench.UploadOnlyPassAsync(passArgs); // one pass of the scale bench's upload-only baseline, in a process of its own
}
var quick = args.Contains("--quick");
var scale = args.Contains("--scale");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
if (only is not (null or "render" or "publish" or "intake"))
{
    Console.Error.WriteLine($"--only takes render, publish or intake, not '{only}'.");
    return 2;
}
bool Runs(string bench) => only is null || only == bench;

StorageTimeline.EnableSdkActivities();
await using var azurite = await AzuriteProcess.StartAsync(location: null);
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

var results = new List<BenchResult>();
// A site of 100 articles; the scale benchmark grows it to 10,000 at the end.
await new SiteSeeder(services).SeedAsync(0, ScaleBench.Small);
var (publishing, live, floor) = Runs("publish") || scale ? await PublishLatencyBench.RunAsync(azurite, quick) : ([], [], []);
Report(publishing);
if (Runs("render"))
{
    Report(await RenderBench.RunAsync(services, quick));
}
if (Runs("intake"))
{
    Report(await CommentIntakeBench.RunAsync(quick));
}
if (scale)
{
    Report(await ScaleBench.RunAsync(azurite, services, quick, live, floor));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ServerlessNews benchmarks, {(quick ? "quick" : "full")} mode, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}"));
Console.WriteLine();
Console.WriteLine("| Measure | ServerlessNews | Baseline (same run) | Ratio | Goal | |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
foreach (var result in results)
{
    Console.WriteLine(result.ToMarkdownRow());
}
return 0;

// Each figure as soon as it is measured (stderr), so that a long run shows progress; the table comes at the end.
void Report(IEnumerable<BenchResult> measured)
{
    foreach (var result in measured)
    {
        results.Add(result);
        Console.Error.WriteLine(result.ToMarkdownRow());
    }
}
