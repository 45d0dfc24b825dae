using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using ServerlessNews.Bench;

// dotnet run -c Release --project bench/ServerlessNews.Bench -- [--quick] [--scale] [--only render|publish|intake|scale|rebuild] | --micro [BenchmarkDotNet args]
// --scale adds the 10,000-article scale benchmark (about twelve minutes, on emulators of its own); --only rebuild runs its rebuild half.
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
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
if (only is not (null or "render" or "publish" or "intake" or "scale" or "rebuild"))
{
    Console.Error.WriteLine($"--only takes render, publish, intake, scale or rebuild, not '{only}'.");
    return 2;
}
bool Runs(string bench) => only is null || only == bench;
var scale = args.Contains("--scale") || only is "scale" or "rebuild";

StorageTimeline.EnableSdkActivities();
await using var site = await BenchSite.StartAsync();
var (azurite, services) = (site.Azurite, site.Services);

var results = new List<BenchResult>();
// A site of 100 articles (the scale benchmark grows a site of its own to 10,000).
await new SiteSeeder(services).SeedAsync(0, ScaleBench.Small);
if (Runs("publish"))
{
    Report(await PublishLatencyBench.RunAsync(azurite, quick));
}
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
    Report(await ScaleBench.RunAsync(quick, publishAtScale: only != "rebuild"));
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
