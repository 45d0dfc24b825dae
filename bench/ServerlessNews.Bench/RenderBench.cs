using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Site;

namespace ServerlessNews.Bench;

/// <summary>
/// Marginal time per article page (Markdown body, template, JSON-LD, meta, navigation, related articles,
/// comments) for ServerlessNews's renderer and for Hugo rendering the same articles with an equivalent
/// minimal template, each measured at two sizes so that start-up costs cancel out. The goal row renders in
/// memory on both sides (Hugo's <c>--renderToMemory</c>): rendering, not the disk. A second row writes every
/// page to a file on both sides, for information.
/// </summary>
public static class RenderBench
{
    public static async Task<IReadOnlyList<BenchResult>> RunAsync(IServiceProvider services, bool quick)
    {
        var renderer = services.GetRequiredService<PageRenderer>();
        var offline = new PageRenderer(services.GetRequiredService<TemplateStore>(), services.GetRequiredService<BodyRenderer>(),
            services.GetRequiredService<Images.ImageResolver>(), services.GetRequiredService<IOptions<SiteOptions>>(),
            services.GetRequiredService<IOptions<BrandOptions>>(), []);
        var (small, large) = quick ? (200, 1000) : (1000, 5000);
        var hugo = FindHugo();
        if (hugo is null)
        {
            Console.Error.WriteLine("hugo is not installed (apt-get install hugo): skipping the render comparison.");
            return [];
        }
        var documents = Enumerable.Range(0, large).Select(SampleArticles.Document).ToArray();
        using var output = new OutputDirectory("sn-render-");
        // A rebuild renders every page from one snapshot of the listings, read once (as `rebuild --dry-run` does); a
        // publish renders its page alone, from its own Table reads.
        var snapshot = await ListingSnapshot.LoadAsync(services.GetRequiredService<ArticleIndex>(),
            services.GetRequiredService<IOptions<RefreshOptions>>().Value.SitemapShardSize, CancellationToken.None);
        var asOf = services.GetRequiredService<SiteClock>().Now;
        Task RenderAllAsync(ArticleDocument[] batch, bool alone, bool toDisk)
        {
            var scope = RenderScope.ForBatch(snapshot, asOf);
            return RenderAsync((d, ct) => renderer.RenderArticleAsync(d, alone ? RenderScope.ForOnePage() : scope, ct), batch, toDisk ? output.Path : null);
        }
        double Marginal(double smallMs, double largeMs) => (largeMs - smallMs) / (large - small);
        async Task<double> OursAsync(bool alone, bool toDisk) => Marginal(
            await TimeAsync(() => RenderAllAsync(documents[..small], alone, toDisk), output.Empty),
            await TimeAsync(() => RenderAllAsync(documents, alone, toDisk), output.Empty));

        // Warm up the JIT and template caches, then let the tiered JIT finish recompiling what the warm-up made
        // hot before anything is timed.
        for (var i = 0; i < 3; i++)
        {
            await RenderAllAsync(documents, alone: false, toDisk: true);
        }
        await RenderAllAsync(documents[..50], alone: true, toDisk: false);
        await Settle.UntilQuietAsync();

        var inMemory = await OursAsync(alone: false, toDisk: false);
        var toDisk = await OursAsync(alone: false, toDisk: true);
        var onePage = await OursAsync(alone: true, toDisk: false);
        var hugoInMemory = Marginal(await HugoAsync(hugo, small, toMemory: true), await HugoAsync(hugo, large, toMemory: true));
        var hugoToDisk = Marginal(await HugoAsync(hugo, small, toMemory: false), await HugoAsync(hugo, large, toMemory: false));
        PrintBreakdown(services.GetRequiredService<BodyRenderer>(), offline, renderer);
        return
        [
            new BenchResult("Render: marginal time per article page, as a rebuild renders (shared reads once), in memory", inMemory, hugoInMemory,
                "ms", "Hugo --renderToMemory", 0.5),
            new BenchResult("Render: the same, each page written to a file", toDisk, hugoToDisk, "ms", "Hugo writing files", null),
            new BenchResult("Render: a page rendered alone, as a publish does (its own Table reads), in memory", onePage, hugoInMemory,
                "ms", "Hugo --renderToMemory", null),
        ];
    }

    /// <summary>Where one page's time goes, on one thread (the table's figures use every core).</summary>
    private static void PrintBreakdown(BodyRenderer bodies, PageRenderer offline, PageRenderer full)
    {
        const int Count = 200;
        var documents = Enumerable.Range(0, Count).Select(SampleArticles.Document).ToArray();
        double PerPage(Func<ServerlessNews.Articles.ArticleDocument, Task> work)
        {
            foreach (var d in documents)
            {
                work(d).GetAwaiter().GetResult();
            }
            var watch = Stopwatch.StartNew();
            foreach (var d in documents)
            {
                work(d).GetAwaiter().GetResult();
            }
            return watch.Elapsed.TotalMilliseconds / Count;
        }
        var body = PerPage(d =>
        {
            bodies.Render(d.Article.Body, d.Article.Dateline);
            return Task.CompletedTask;
        });
        var page = PerPage(d => offline.RenderArticleAsync(d, CancellationToken.None));
        var all = PerPage(d => full.RenderArticleAsync(d, CancellationToken.None));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Render breakdown, one thread, ms per page: body (Markdown + sanitizer check) {body:0.###}; template + JSON-LD + meta {page - body:0.###}; Table Storage sections {all - page:0.###}; total {all:0.###}"));
    }

    /// <summary>Median of five runs, in milliseconds; <paramref name="prepare"/> runs untimed before each.</summary>
    private static async Task<double> TimeAsync(Func<Task> work, Action prepare)
    {
        var runs = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            prepare();
            var watch = Stopwatch.StartNew();
            await work();
            runs.Add(watch.Elapsed.TotalMilliseconds);
        }
        runs.Sort();
        return runs[2];
    }

    /// <param name="output">Where each page is written as a file; null to keep pages in memory only.</param>
    private static async Task RenderAsync(Func<ArticleDocument, CancellationToken, Task<string>> render, IReadOnlyList<ArticleDocument> documents, string? output)
    {
        // Both tools use every core; two pages per core, so that one renders while the other's file is written.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount };
        await Parallel.ForEachAsync(documents, parallel, async (document, ct) =>
        {
            var html = await render(document, ct);
            if (output is null)
            {
                return;
            }
            var file = Path.Combine(output, document.PageBlobName);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            // One write of the encoded page: a small file is not worth the thread pool hops of an async write.
            File.WriteAllBytes(file, Encoding.UTF8.GetBytes(html));
        });
    }

    /// <summary>
    /// Where a timed run writes its pages. Both tools write into an empty directory each run (a full build),
    /// and the clearing is not timed for either.
    /// </summary>
    private sealed class OutputDirectory(string prefix) : IDisposable
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory(prefix);

        public string Path => _root.FullName;

        public void Empty()
        {
            foreach (var entry in _root.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        public void Dispose() => _root.Delete(recursive: true);
    }

    private static readonly string[] HugoLocations = ["/usr/bin/hugo", "/usr/local/bin/hugo"];

    private static string? FindHugo() => HugoLocations.FirstOrDefault(File.Exists);

    private static async Task<double> HugoAsync(string hugo, int count, bool toMemory)
    {
        var site = Directory.CreateTempSubdirectory("sn-hugo-");
        try
        {
            WriteHugoSite(site.FullName, count);
            var publicDirectory = Path.Combine(site.FullName, "public");
            return await TimeAsync(async () =>
            {
                string[] arguments = ["--quiet", "--source", site.FullName, "--destination", publicDirectory, .. toMemory ? ["--renderToMemory"] : Array.Empty<string>()];
                var start = new ProcessStartInfo(hugo, arguments)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using var process = Process.Start(start)!;
                var errors = process.StandardError.ReadToEndAsync();
                await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException("hugo failed: " + await errors);
                }
            }, () =>
            {
                if (Directory.Exists(publicDirectory))
                {
                    Directory.Delete(publicDirectory, recursive: true);
                }
            });
        }
        finally
        {
            site.Delete(recursive: true);
        }
    }

    /// <summary>The same articles and an equivalent page: head metadata, JSON-LD, byline, tags, Markdown body.</summary>
    private static void WriteHugoSite(string root, int count)
    {
        File.WriteAllText(Path.Combine(root, "hugo.toml"), """
            baseURL = "https://news.example.test/"
            title = "ServerlessNews"
            languageCode = "en"
            disableKinds = ["taxonomy", "term", "RSS", "sitemap", "home", "section", "404", "robotsTXT"]
            """);
        var layouts = Directory.CreateDirectory(Path.Combine(root, "layouts", "_default")).FullName;
        File.WriteAllText(Path.Combine(layouts, "single.html"), """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{ .Title }} | {{ .Site.Title }}</title>
            <meta name="description" content="{{ .Params.summary }}">
            <link rel="canonical" href="{{ .Permalink }}">
            <meta property="og:type" content="article">
            <meta property="og:title" content="{{ .Title }}">
            <meta property="og:url" content="{{ .Permalink }}">
            <meta property="article:published_time" content="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">
            <meta property="article:section" content="{{ .Params.section }}">
            {{ range .Params.authors }}<meta property="article:author" content="{{ . }}">{{ end }}
            {{ range .Params.tags }}<meta property="article:tag" content="{{ . }}">{{ end }}
            <script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "NewsArticle" "headline" .Title "datePublished" .Date "articleSection" .Params.section "dateline" .Params.dateline "author" .Params.authors | jsonify | safeJS }}</script>
            </head>
            <body>
            <main id="main"><article>
            <p class="article-meta"><a href="/{{ .Params.section | urlize }}/">{{ .Params.section }}</a></p>
            <h1>{{ .Title }}</h1>
            <p class="byline">By {{ delimit .Params.authors ", " " and " }}</p>
            <p>Published <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006, 15:04 UTC" }}</time></p>
            <div class="article-body">{{ .Content }}</div>
            <nav class="tags"><ul>{{ range .Params.tags }}<li><a rel="tag" href="/tag/{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul></nav>
            </article></main>
            </body>
            </html>
            """);
        var content = Directory.CreateDirectory(Path.Combine(root, "content", "posts")).FullName;
        for (var i = 0; i < count; i++)
        {
            var a = SampleArticles.Submission(i);
            var front = new StringBuilder()
                .Append("---\n")
                .Append(CultureInfo.InvariantCulture, $"title: \"{a.Headline}\"\n")
                .Append(CultureInfo.InvariantCulture, $"date: {a.PublishedAt:yyyy-MM-ddTHH:mm:ssZ}\n")
                .Append(CultureInfo.InvariantCulture, $"section: {a.Section}\n")
                .Append(CultureInfo.InvariantCulture, $"summary: \"{a.Summary}\"\n")
                .Append(CultureInfo.InvariantCulture, $"dateline: {a.Dateline}\n")
                .Append(CultureInfo.InvariantCulture, $"authors: [\"{string.Join("\", \"", a.Authors)}\"]\n")
                .Append(CultureInfo.InvariantCulture, $"tags: [\"{string.Join("\", \"", a.Tags)}\"]\n")
                .Append("---\n")
                .Append(a.Body.Content);
            File.WriteAllText(Path.Combine(content, a.Id + ".md"), front.ToString());
        }
    }
}
