using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.DevServer;
using ServerlessNews.Index;
using ServerlessNews.Operations;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Bench;

/// <summary>
/// Whether the cost of a publish depends on the size of the site (100 against 10,000 articles indexed, each site on
/// a fresh emulator), and, on a third, a
/// full rebuild of 10,000 article pages by the operator command (a separate process, as an operator runs it)
/// against the slower of its two halves measured alone, each in a process of its own as well, after a theme
/// change: rendering every page without writing (the command's dry run, which reads what the pages show) and
/// writing as many files of the same sizes as the command writes (see <see cref="UploadOnly"/>). Its peak
/// memory is read from the kernel.
/// </summary>
public static partial class ScaleBench
{
    /// <summary>The articles indexed before any other benchmark runs.</summary>
    public const int Small = 100;
    private const int Large = 10_000;
    private const int Parallelism = 16;
    private const double MemoryLimitMb = 512;

    private static int RebuildRounds(bool quick) => quick ? 5 : 6;

    /// <summary>Publishes (and floor runs) per series, 100 and 10,000 articles indexed: their medians are compared.</summary>
    private const int SeriesRuns = 30;

    /// <summary>
    /// Each site on an emulator of its own, started for it, so that what one site stores does not slow another's, and
    /// none collects blob contents during a run (azurite-without-collection.cjs): with 10,000 pages stored, one
    /// collection left the emulator serving nothing for over ten minutes.
    /// </summary>
    /// <param name="precompiled">
    /// A ReadyToRun publish of this program, to run the rebuild command, its dry run and the upload-only passes
    /// from (null: this build). Each is a process of its own, and code it compiles as it runs competes for the two
    /// cores with the emulator it measures.
    /// </param>
    public static async Task<IReadOnlyList<BenchResult>> RunAsync(bool quick, bool publishAtScale, string? precompiled) =>
        [.. publishAtScale ? await PublishAtScaleAsync() : [], .. await RebuildAsync(quick, precompiled)];

    /// <summary>
    /// The same series of publishes on a site of 100 articles and on one of 10,000, each on a fresh emulator. Both
    /// emulators start together and both sites' cycles alternate, warm-up included, so that the emulators age alike
    /// and what drifts over the minutes a series takes weighs on both: run one after the other, the p50 of either
    /// moved by a tenth from one series to the next, and with the large site started once the small one had warmed
    /// up, the small site's older emulator was the slower one (its floor 1.4 times the large site's). The storage
    /// floor beside each, into the same containers and table, shows how much the emulator itself slows as they grow.
    /// </summary>
    private static async Task<IReadOnlyList<BenchResult>> PublishAtScaleAsync()
    {
        var watch = Stopwatch.StartNew();
        await using var smallSite = await SeededSiteAsync(Small, rendered: true);
        await using var largeSite = await SeededSiteAsync(Large, rendered: true);
        await using var smallApp = await PublishLatencyBench.StartDevServerAsync(smallSite.Azurite);
        await using var largeApp = await PublishLatencyBench.StartDevServerAsync(largeSite.Azurite);
        using var smallClient = new HttpClient { BaseAddress = new Uri(smallApp.Urls.First()) };
        using var largeClient = new HttpClient { BaseAddress = new Uri(largeApp.Urls.First()) };
        PublishLatencyBench.PublishTarget[] sites =
        [
            await TargetAsync(smallSite.Azurite, smallClient, "scale-small", Small),
            await TargetAsync(largeSite.Azurite, largeClient, "scale-large", Large),
        ];
        // One block of ten cycles each: enough for the JIT (a larger warm-up changed no p50), and the series is long already.
        await PublishLatencyBench.WarmUpAsync(sites, maxBlocks: 1);

        var series = await PublishLatencyBench.PublishSeriesAsync(sites, SeriesRuns);
        var (small, large) = (series[0], series[1]);
        await smallApp.StopAsync();
        await largeApp.StopAsync();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (publishing at scale: seeding, warm-up and series in {watch.Elapsed.TotalSeconds:0} s)"));
        return
        [
            new("Scale: publish to live p50, 10,000 articles indexed", BenchResult.Percentile(large.Live, 0.5), BenchResult.Percentile(small.Live, 0.5), "ms", "100 indexed (publish to live p50)", 1.1),
            new("Scale: storage floor p50, 10,000 articles indexed (the emulator's own growth)", BenchResult.Percentile(large.Floor, 0.5),
                BenchResult.Percentile(small.Floor, 0.5), "ms", "100 indexed (floor p50)", null),
            new("Scale: follow-up fan-out, files a publish writes into $web (its page and every follow-up; median), 10,000 indexed",
                BenchResult.Median(large.FilesWritten), BenchResult.Median(small.FilesWritten), "files", "100 indexed", null),
            new("Scale: follow-up fan-out, webhook to the last of those writes (p50), 10,000 indexed",
                BenchResult.Percentile(large.LastWriteMs, 0.5), BenchResult.Percentile(small.LastWriteMs, 0.5), "ms", "100 indexed", null),
        ];
    }

    /// <summary>
    /// Each publish the newest story of a site of <paramref name="articles"/>; each cycle waits up to a minute and a half for the
    /// site to be quiet, since the emulator scans a whole table for every range query, which the related blocks' windows
    /// are, and its follow-ups take longer at 10,000 articles than at 100 (see docs/benchmarks.md).
    /// </summary>
    private static async Task<PublishLatencyBench.PublishTarget> TargetAsync(AzuriteProcess azurite, HttpClient client, string prefix, int articles) =>
        new(client, new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.WebContainer), azurite,
            await StorageFloor.CreateAsync(azurite), prefix, SampleArticles.Submission(articles - 1).PublishedAt, TimeSpan.FromSeconds(90));

    /// <summary>
    /// A fresh site whose index holds <paramref name="articles"/> articles, as publishing would have left it; with
    /// <paramref name="rendered"/>, its files too (a rebuild, in this process, which records the theme it rendered
    /// with). A site without them is no site a publish meets: its first refreshes would render what the seeding left
    /// out, and the site's timer, finding no theme recorded, would sweep every page.
    /// </summary>
    private static async Task<BenchSite> SeededSiteAsync(int articles, bool rendered = false)
    {
        var site = await BenchSite.StartAsync();
        try
        {
            var seeding = Stopwatch.StartNew();
            await new SiteSeeder(site.Services).SeedAsync(0, articles);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {articles:N0} articles in {seeding.Elapsed.TotalSeconds:0.0} s"));
            if (rendered)
            {
                var build = await site.Services.GetRequiredService<SiteBuild>().RebuildAsync(null, Parallelism, CancellationToken.None);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  and rendered its {build.ArticlePages:N0} article pages and {build.OtherFiles:N0} other files in {build.Elapsed.TotalSeconds:0.0} s"));
            }
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    private static async Task<IReadOnlyList<BenchResult>> RebuildAsync(bool quick, string? precompiled)
    {
        await using var site = await SeededSiteAsync(Large);
        var (azurite, services) = (site.Azurite, site.Services);

        // The upload-only baseline's pages are created before the site's: see UploadOnly.
        using var uploadOnly = await UploadOnly.CreatePagesAsync(azurite, services, precompiled);
        // The seeded articles have no pages yet: the first rebuild renders them all and records related articles.
        var first = await RebuildCommandAsync(azurite, dryRun: false, precompiled);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"First rebuild (every page new): {first.Pages:N0} pages in {first.Seconds:0.00} s, {first.Cpu}"));

        // A theme change, as an operator makes one: the default layout, which every HTML page uses, with one more line, as an override.
        await ChangeThemeAsync(azurite, "render only");
        var renderOnly = await RebuildCommandAsync(azurite, dryRun: true, precompiled);
        // Upload only and the rebuild alternate, upload only first and last: the same work costs the emulator up
        // to a fifth more or less from one run to the next (old page contents wait for its collection every ten
        // minutes, and it slows as what it stores grows), and now and then one pass, of either side, takes it
        // half as long again. So each rebuild counts against the upload-only passes just before and after it, and
        // the median of those rounds' ratios against the goal, as the comment intake's rounds do.
        var uploads = new List<(double Seconds, int Files, CpuUse Cpu)> { await uploadOnly.ReplacePagesAsync(azurite) };
        var rebuilds = new List<CommandRun>();
        for (var round = 1; round <= RebuildRounds(quick); round++)
        {
            // Every HTML file now differs from what is stored.
            await ChangeThemeAsync(azurite, $"round {round}");
            rebuilds.Add(await RebuildCommandAsync(azurite, dryRun: false, precompiled));
            uploads.Add(await uploadOnly.ReplacePagesAsync(azurite));
        }
        // Round i: rebuild i, against the slower half beside it (upload only: the mean of passes i and i + 1).
        var halvesBeside = rebuilds.Select((_, i) => Math.Max(renderOnly.Seconds, (uploads[i].Seconds + uploads[i + 1].Seconds) / 2)).ToList();
        foreach (var (run, i) in rebuilds.Select((r, i) => (r, i)))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Rebuild {i + 1}: {run.Pages:N0} pages in {run.Seconds:0.00} s ({run.Seconds / halvesBeside[i]:0.000}x the slower half beside it), {run.Written:N0} files written, peak {run.PeakMb:0} MB, {run.Cpu}"));
        }
        // The halves are only halves of this rebuild if the upload-only passes write what it writes.
        if (rebuilds.Any(r => r.Written != uploads[^1].Files))
        {
            throw new InvalidOperationException($"The rebuilds wrote {string.Join(", ", rebuilds.Select(r => r.Written))} files; upload only writes {uploads[^1].Files}.");
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Render only: {renderOnly.Seconds:0.00} s, {renderOnly.Cpu}"));
        Console.Error.WriteLine("Upload only: " + string.Join(", ", uploads.Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Seconds:0.00} s, {u.Files:N0} files ({u.Cpu})"))));

        var paired = BenchResult.Median(rebuilds.Select((run, i) => run.Seconds / halvesBeside[i]));
        var rebuildSeconds = BenchResult.Median(rebuilds.Select(r => r.Seconds));
        var uploadOnlySeconds = BenchResult.Median(uploads.Select(u => u.Seconds));
        var renderIsSlower = renderOnly.Seconds >= uploadOnlySeconds;
        return
        [
            new(string.Create(CultureInfo.InvariantCulture,
                    $"Scale: full rebuild of {rebuilds[0].Pages:N0} articles (every page, listing, feed and sitemap) ÷ the slower half beside it (median of {rebuilds.Count} rounds; medians alone: {rebuildSeconds:0.00} s and {Math.Max(renderOnly.Seconds, uploadOnlySeconds):0.00} s)"),
                paired, 1, "×", renderIsSlower ? "render only (dry run)" : "upload only (the passes before and after)", 1.1),
            new("Scale: full rebuild, peak memory (RSS)", rebuilds.Max(r => r.PeakMb), MemoryLimitMb, "MB", "limit", 1.0),
        ];
    }

    private sealed record CommandRun(int Pages, int Written, double Seconds, double PeakMb, CpuUse Cpu);

    /// <summary>
    /// CPU seconds the emulator and the client spent: on two cores, with the emulator serving on one thread,
    /// what bounds a phase, and whether two phases could overlap at all.
    /// </summary>
    private sealed record CpuUse(double EmulatorSeconds, double ClientSeconds)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"CPU: emulator {EmulatorSeconds:0.0} s, client {ClientSeconds:0.0} s");
    }

    private static TimeSpan CpuOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return TimeSpan.Zero; // exited
        }
    }

    /// <summary>The executable the operator commands run as (the DevServer's).</summary>
    public const string CommandName = "ServerlessNews.DevServer";

    /// <summary>Runs <c>ServerlessNews.DevServer rebuild</c> and reads its own timing and the kernel's peak RSS of the process.</summary>
    private static async Task<CommandRun> RebuildCommandAsync(AzuriteProcess azurite, bool dryRun, string? precompiled)
    {
        var directory = precompiled ?? AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Path.Combine(directory, CommandName))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("rebuild");
        if (dryRun)
        {
            start.ArgumentList.Add("--dry-run");
        }
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["Site__BaseUrl"] = "https://news.example.test";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var emulatorBefore = CpuOf(azurite.ProcessId);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The rebuild command did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        double peakKb = 0;
        var cpu = TimeSpan.Zero;
        while (!process.HasExited)
        {
            peakKb = Math.Max(peakKb, PeakRssKb(process.Id));
            cpu = TimeSpan.FromTicks(Math.Max(cpu.Ticks, CpuOf(process.Id).Ticks));
            await Task.Delay(50);
        }
        var emulatorCpu = CpuOf(azurite.ProcessId) - emulatorBefore;
        await process.WaitForExitAsync();
        var text = await output;
        Console.Error.WriteLine("  " + text.Trim().Replace("\n", "\n  ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || DoneLine().Match(text) is not { Success: true } done)
        {
            throw new InvalidOperationException($"rebuild failed ({process.ExitCode}): {text}\n{await errors}");
        }
        return new(int.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture),
            WrittenLine().Match(text) is { Success: true } written ? int.Parse(written.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            double.Parse(done.Groups[2].Value.Replace(',', '.'), CultureInfo.InvariantCulture), peakKb / 1024,
            new(emulatorCpu.TotalSeconds, cpu.TotalSeconds));
    }

    /// <summary>VmHWM: the most resident memory the process has had so far.</summary>
    private static double PeakRssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // exited between the check and the read
        }
    }

    [GeneratedRegex(@"(?:Rebuilt|Rendered) (\d+) article pages in ([0-9.,]+) s")]
    private static partial Regex DoneLine();

    [GeneratedRegex(@"(\d+) files written")]
    private static partial Regex WrittenLine();

    private static async Task ChangeThemeAsync(AzuriteProcess azurite, string change)
    {
        using var stream = typeof(TemplateStore).Assembly.GetManifestResourceStream("Theme/layout.liquid")
            ?? throw new InvalidOperationException("The default theme has no layout.");
        using var reader = new StreamReader(stream);
        var template = await reader.ReadToEndAsync() + $"\n<!-- theme changed: {change} -->\n";
        var templates = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.TemplatesContainer);
        await templates.GetBlobClient("layout.liquid").UploadAsync(BinaryData.FromString(template), overwrite: true);
    }

    /// <summary>One pass of the upload-only baseline, in this program's own child process (see <see cref="UploadOnly"/>).</summary>
    public const string UploadOnlyFlag = "--upload-only-pass";

    /// <inheritdoc cref="UploadOnlyFlag"/>
    public static Task<int> UploadOnlyPassAsync(string[] args) => UploadOnly.PassAsync(args);

    /// <summary>
    /// The upload half alone: what a rebuild does to write its files, without rendering them. It lists the
    /// files with their metadata (the revision guard's view: each write is conditional on the ETag listed,
    /// which spares a read before each), then writes every file the rebuild writes, as many and of the same sizes:
    /// first each HTML listing file (fronts, archives, the 404 page; names, sizes and headers from a render of the
    /// site's listings), then a page of the same size for every article's page name, carrying a revision and as
    /// many related-article ids as a site page, through the same revision guard; with the command's parallelism,
    /// into a container of its own (the site's files, and what they record, stay as they are). A rebuild replaces
    /// files, so the timed pass replaces files an untimed pass created.
    /// Each pass runs as the command does, and as its dry run (the render half) is measured: in a process of
    /// its own, started for it (from the same build as the command, precompiled or not, timed from its first request), with the
    /// DevServer's runtime settings and storage client options, so both halves and the whole pay the same.
    /// The pages are created before the site's, because in the emulator where a blob sits matters: it keeps
    /// every blob of the account in one array, in the order written, and replacing a blob removes it from that
    /// array, moving every blob written after it. The rebuild replaces pages that the upload-only pages follow;
    /// created first, the upload-only pages are followed by the site's pages in turn, so both passes move as
    /// many blobs per write (otherwise a rebuild pays twice as much per write for it).
    /// </summary>
    private sealed partial class UploadOnly(string connectionString, string pageFile, string related, string? precompiled) : IDisposable
    {
        private const string ContainerName = "bench-upload-only";
        private int _passes;

        public static async Task<UploadOnly> CreatePagesAsync(AzuriteProcess azurite, IServiceProvider services, string? precompiled)
        {
            await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(ContainerName).CreateIfNotExistsAsync();
            var renderer = services.GetRequiredService<PageRenderer>();
            var html = await renderer.RenderArticleAsync(SampleArticles.Document(Large / 2),
                RenderScope.ForBatch(new ListingSnapshot([], 50_000), DateTimeOffset.UtcNow), CancellationToken.None);
            var pageFile = Path.Combine(Path.GetTempPath(), $"serverlessnews-bench-page-{Environment.ProcessId}.html");
            await File.WriteAllTextAsync(pageFile, html);
            var related = Enumerable.Range(1, services.GetRequiredService<IOptions<RefreshOptions>>().Value.RelatedCount)
                .Select(i => SampleArticles.Document(Large / 2 + i).Article.Id);
            // The related ids and their digest, as a site page carries them.
            // The other files a rebuild after a change to the layout writes (the HTML ones: fronts, archives, the 404 page;
            // feeds and sitemaps stay as they are): their names, sizes and headers, from a render of the site's listings here.
            var snapshot = await ListingSnapshot.LoadAsync(services.GetRequiredService<ArticleIndex>(),
                services.GetRequiredService<IOptions<RefreshOptions>>().Value.SitemapShardSize, CancellationToken.None);
            var renderers = services.GetRequiredService<SiteRenderers>();
            var listingFiles = new List<string>();
            foreach (var output in SiteRenderers.ListingOutputs(snapshot))
            {
                var rendered = await renderers.RenderAsync(output, new SiteRenderContext(snapshot, DateTimeOffset.UtcNow), CancellationToken.None);
                listingFiles.AddRange(rendered.Files.Where(f => f.ContentType == SitePages.HtmlType).Select(f => string.Join('\t', f.Name, f.Content.ToMemory().Length, f.ContentType, f.CacheControl ?? "")));
            }
            var listingFile = pageFile + ".listings";
            await File.WriteAllLinesAsync(listingFile, listingFiles);
            var pages = new UploadOnly(azurite.ConnectionString, pageFile, string.Join(',', related) + "|" + new string('0', 24), precompiled);
            await pages.RunPassAsync(azurite, pass: 0);
            return pages;
        }

        public Task<(double Seconds, int Files, CpuUse Cpu)> ReplacePagesAsync(AzuriteProcess azurite) => RunPassAsync(azurite, ++_passes);

        private async Task<(double Seconds, int Files, CpuUse Cpu)> RunPassAsync(AzuriteProcess azurite, int pass)
        {
            string[] args = [UploadOnlyFlag, connectionString, pageFile, related, pass.ToString(CultureInfo.InvariantCulture)];
            var start = precompiled is null ? ThisProgram.StartInfo(args) : ThisProgram.StartInfoFrom(precompiled, args);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            // The DevServer's runtime settings (its runtimeconfig), where this program's differ.
            start.Environment["DOTNET_gcServer"] = "1";
            start.Environment["DOTNET_TieredPGO"] = "0";
            var emulatorBefore = CpuOf(azurite.ProcessId);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("The upload-only pass did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var emulatorCpu = CpuOf(azurite.ProcessId) - emulatorBefore;
            var text = await output;
            if (process.ExitCode != 0 || PassLine().Match(text) is not { Success: true } done)
            {
                throw new InvalidOperationException($"upload-only pass {pass} failed ({process.ExitCode}): {text}\n{await errors}");
            }
            return (double.Parse(done.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture),
                new(emulatorCpu.TotalSeconds, double.Parse(done.Groups[3].Value, CultureInfo.InvariantCulture)));
        }

        [GeneratedRegex(@"Wrote (\d+) files in ([0-9.]+) s; CPU ([0-9.]+) s")]
        private static partial Regex PassLine();

        /// <summary>The child's side: pass 0 creates the pages; each later pass lists and replaces them, timed.</summary>
        public static async Task<int> PassAsync(string[] args)
        {
            var (connection, pageFile, related, pass) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            // As the rebuild command runs.
            BatchPriority.Lower();
            // The command's storage client options (see AddServerlessNews).
            var options = new BlobClientOptions { Diagnostics = { IsLoggingEnabled = false } };
            var container = new BlobServiceClient(connection, options).GetBlobContainerClient(ContainerName);
            var page = BinaryData.FromString(await File.ReadAllTextAsync(pageFile) + $"<!-- pass {pass} -->");
            var metadata = new Dictionary<string, string>
            {
                [ArticlePages.RelatedMetadataKey] = related.Split('|')[0],
                [ArticlePages.RelatedDigestMetadataKey] = related.Split('|')[1],
            };
            var names = Enumerable.Range(0, Large).Select(i => SampleArticles.Document(i).PageBlobName).ToList();
            var listings = (await File.ReadAllLinesAsync(pageFile + ".listings")).Select(line => line.Split('\t')).ToList();
            var watch = Stopwatch.StartNew();
            var stored = pass == 0 ? [] : await RevisionGuard.ListAsync(container, CancellationToken.None);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism };
            // As a rebuild writes its listing outputs first: each file of its size, conditional on the ETag listed.
            await Parallel.ForEachAsync(listings, parallel, async (file, ct) =>
            {
                var (name, length) = (file[0], int.Parse(file[1], CultureInfo.InvariantCulture));
                var content = new byte[length];
                for (var at = 0; at < length; at += page.ToMemory().Length)
                {
                    page.ToMemory()[..Math.Min(page.ToMemory().Length, length - at)].CopyTo(content.AsMemory(at));
                }
                var lastSeen = stored.GetValueOrDefault(name);
                await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = file[2], CacheControl = file[3].Length == 0 ? null : file[3] },
                    Conditions = lastSeen is null ? new BlobRequestConditions { IfNoneMatch = Azure.ETag.All } : new BlobRequestConditions { IfMatch = lastSeen.ETag },
                }, ct);
            });
            await Parallel.ForEachAsync(names, parallel, async (name, ct) =>
            {
                var lastSeen = stored.GetValueOrDefault(name);
                if (!await RevisionGuard.UploadUnlessNewerAsync(container.GetBlobClient(name), page, ArticlePages.PageContentType, revision: 1, ct,
                    ArticlePages.PageCacheControl, lastSeen, probablyNew: lastSeen is null, metadata))
                {
                    throw new InvalidOperationException($"The revision guard kept {name}: nothing else writes to this container.");
                }
            });
            var seconds = watch.Elapsed.TotalSeconds;
            using var self = Process.GetCurrentProcess();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {names.Count + listings.Count} files in {seconds:0.000} s; CPU {self.TotalProcessorTime.TotalSeconds:0.000} s"));
            return 0;
        }

        public void Dispose()
        {
            File.Delete(pageFile);
            File.Delete(pageFile + ".listings");
        }
    }
}

/// <summary>
/// Fills the index as publishing would have, without rendering: the articles table (with the documents a
/// rebuild reads), every listing row, written in transactions of one partition, and each listing's head.
/// </summary>
public sealed class SiteSeeder(IServiceProvider services)
{
    private readonly ArticleIndex _index = services.GetRequiredService<ArticleIndex>();
    private readonly TableServiceClient _tables = services.GetRequiredService<TableServiceClient>();
    private readonly ListingIndex _listingIndex = services.GetRequiredService<ListingIndex>();

    public async Task SeedAsync(int from, int to)
    {
        var listings = _tables.GetTableClient(StorageNames.ListingsTable);
        var entities = new ArticleEntity[to - from];
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            // The articles table carries each document, which is what a rebuild reads; the content blobs a
            // publish also writes are left out to keep seeding short (the emulator slows as a container grows).
            // The rows a publish leaves in it: the article's, its revision's (its completion run), its delivery's and its path lookup.
            var document = SampleArticles.Document(i);
            var delivery = new DeliveryRecord($"seed-{i}", $"seed:{i}", document.Article.Revision, $"{document.Article.Id}/seed.json", "seed", DateTimeOffset.UtcNow);
            await _index.SaveAsync(document, ArticleStates.Published, ct, new CurrentRow(null), delivery);
            await _index.MarkFollowedUpAsync(document.Article.Id, document.Article.Revision, ct);
            await _index.RecordPathAsync(document, previousPath: null, ct);
            var entity = ArticleIndex.EntityFor(document, ArticleStates.Published);
            entities[i - from] = entity;
            var rows = ListingIndex.RowsFor(entity);
            await listings.UpsertEntityAsync(new ListingMembershipEntity
            {
                PartitionKey = ListingMembershipEntity.KeyFor(entity.PartitionKey),
                RowKey = ListingMembershipEntity.KeyFor(entity.PartitionKey),
                Revision = entity.Revision,
                Rows = JsonSerializer.Serialize(rows.Select(r => r.PartitionKey + "\n" + r.RowKey).Order(StringComparer.Ordinal).ToList(),
                    ArticlesJsonContext.Default.IReadOnlyListString),
            }, TableUpdateMode.Replace, ct);
        });
        var rows = entities.SelectMany(ListingIndex.RowsFor).ToList();
        var batches = rows.GroupBy(r => r.PartitionKey).SelectMany(partition => partition.Chunk(100));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
            await listings.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), ct));
        foreach (var (key, month) in rows.Select(r => (r.PartitionKey, Months.Of(r.PublishedAt))).Distinct())
        {
            await listings.UpsertEntityAsync(new TableEntity(ListingMonths.Partition(key), month), TableUpdateMode.Merge);
        }
        foreach (var section in entities.Select(e => e.Section).Distinct())
        {
            await listings.UpsertEntityAsync(new TableEntity(SectionIndex.Partition, ListingRef.Section(section).Slug) { ["Name"] = section }, TableUpdateMode.Replace);
        }
        // Each listing's head (its newest rows, which pages and related articles read in one point read) and the
        // sections head, as publishing leaves them: publishing's own listing sync of the newest article in each
        // listing, which finds its rows in place and rewrites the heads of the listings the article is in.
        var newest = rows.GroupBy(r => r.PartitionKey).Select(listing => listing.MaxBy(r => r.PublishedAt)!.ArticleId).ToHashSet(StringComparer.Ordinal);
        foreach (var entity in entities.Where(e => newest.Contains(e.PartitionKey)))
        {
            await _listingIndex.SyncAsync(entity, CancellationToken.None);
        }
    }
}
