using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using ServerlessNews.Bench;

// dotnet run -c Release --project bench/ServerlessNews.Bench -- [--quick] [--scale] [--only render|publish|intake|scale|rebuild] [--precompiled DIR] | --micro [BenchmarkDotNet args]
// --scale adds the 10,000-article scale benchmark (about twelve minutes, on emulators of its own); --only rebuild runs its rebuild half.
// --precompiled: a ReadyToRun publish of this program, which the scale benchmark runs its commands from (eng/bench.sh makes one).
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
var only = ValueOf("--only");
if (only is not (null or "render" or "publish" or "intake" or "scale" or "rebuild"))
{
    Console.Error.WriteLine($"--only takes render, publish, intake, scale or rebuild, not '{only}'.");
    return 2;
}
var precompiled = ValueOf("--precompiled");
if (args.Contains("--precompiled") && (precompiled is null
    || !File.Exists(Path.Combine(precompiled, ScaleBench.CommandName)) || !File.Exists(Path.Combine(precompiled, ThisProgram.Name))))
{
    Console.Error.WriteLine($"--precompiled takes a publish of this program (with {ScaleBench.CommandName} and {ThisProgram.Name} in it), not '{precompiled}'.");
    return 2;
}
bool Runs(string bench) => only is null || only == bench;
var scale = args.Contains("--scale") || only is "scale" or "rebuild";

StorageTimeline.EnableSdkActivities();
// Every emulator this program starts inherits it (see the script): no collection stalls a run.
Environment.SetEnvironmentVariable("NODE_OPTIONS", $"--require \"{Path.Combine(AppContext.BaseDirectory, "azurite-without-collection.cjs")}\"");
var results = new List<BenchResult>();
if (Runs("publish") || Runs("render"))
{
    // A site of 100 articles, on an emulator of its own (intake and the scale benchmark start their own).
    await using var site = await BenchSite.StartAsync();
    await new SiteSeeder(site.Services).SeedAsync(0, ScaleBench.Small);
    if (Runs("publish"))
    {
        Report(await PublishLatencyBench.RunAsync(site.Azurite, quick));
    }
    if (Runs("render"))
    {
        Report(await RenderBench.RunAsync(site.Services, quick));
    }
}
if (Runs("intake"))
{
    Report(await CommentIntakeBench.RunAsync(quick));
}
if (scale)
{
    Report(await ScaleBench.RunAsync(quick, publishAtScale: only != "rebuild", precompiled));
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

// The argument after a flag such as --only, if any.
string? ValueOf(string flag) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault();

// Each figure as soon as it is measured (stderr), so that a long run shows progress; the table comes at the end.
void Report(IEnumerable<BenchResult> measured)
{
    foreach (var result in measured)
    {
        results.Add(result);
        Console.Error.WriteLine(result.ToMarkdownRow());
    }
}
