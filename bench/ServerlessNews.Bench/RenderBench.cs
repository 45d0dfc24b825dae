using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Rendering;

namespace ServerlessNews.Bench;

/// <summary>
/// Marginal time per article page (Markdown body, template, JSON-LD, file written) for ServerlessNews's
/// renderer and for Hugo rendering the same articles with an equivalent minimal template, each measured
/// at two sizes so that start-up costs cancel out. The full figure includes what every published page
/// reads from Table Storage (section navigation, related articles, approved comments: about 5 queries);
/// the second figure is the same render without those sections, which is what Hugo's page does.
/// </summary>
public static class RenderBench
{
    public static async Task<IReadOnlyList<BenchResult>> RunAsync(IServiceProvider services, bool quick)
    {
        var renderer = services.GetRequiredService<PageRenderer>();
        var offline = new PageRenderer(services.GetRequiredService<TemplateStore>(), services.GetRequiredService<BodyRenderer>(),
            services.GetRequiredService<IOptions<SiteOptions>>(), []);
        PrintBreakdown(services.GetRequiredService<BodyRenderer>(), offline, renderer);
        var (small, large) = quick ? (100, 500) : (500, 2500);
        var hugo = FindHugo();
        if (hugo is null)
        {
            Console.Error.WriteLine("hugo is not installed (apt-get install hugo): skipping the render comparison.");
            return [];
        }
        var documents = Enumerable.Range(0, large).Select(SampleArticles.Document).ToArray();
        // A rebuild renders every page in one scope: what pages share is read once. A publish renders its page alone.
        Task RenderAllAsync(ArticleDocument[] batch, bool alone)
        {
            var scope = RenderScope.ForBatch();
            return RenderToDiskAsync((d, ct) => renderer.RenderArticleAsync(d, alone ? RenderScope.ForOnePage() : scope, ct), batch);
        }
        await RenderAllAsync(documents, alone: false); // warm up JIT and template caches; records related articles, as a first render does
        await RenderAllAsync(documents[..50], alone: true);

        var ours = Marginal(await TimeAsync(() => RenderAllAsync(documents[..small], alone: false)),
            await TimeAsync(() => RenderAllAsync(documents, alone: false)), small, large);
        var onePage = Marginal(await TimeAsync(() => RenderAllAsync(documents[..small], alone: true)),
            await TimeAsync(() => RenderAllAsync(documents, alone: true)), small, large);
        var theirs = Marginal(await HugoAsync(hugo, small), await HugoAsync(hugo, large), small, large);
        return
        [
            new BenchResult("Render: marginal time per article page, as a rebuild renders (shared reads once)", ours, theirs, "ms", "Hugo", 0.5),
            new BenchResult("Render: a page rendered alone, as a publish does (its own Table queries)", onePage, theirs, "ms", "Hugo", null),
        ];
    }

    /// <summary>Where one page's time goes, on one thread (the table's figures use every core).</summary>
    private static void PrintBreakdown(BodyRenderer bodies, PageRenderer offline, PageRenderer full)
    {
        const int Count = 200;
        var documents = Enumerable.Range(0, Count).Select(SampleArticles.Document).ToArray();
        double PerPage(Func<ServerlessNews.Articles.ArticleDocument, Task> work)
        {
            foreach (var d in documents[..20])
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

    private static double Marginal(double smallMs, double largeMs, int small, int large) => (largeMs - smallMs) / (large - small);

    /// <summary>Median of three runs, in milliseconds.</summary>
    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var runs = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            await work();
            runs.Add(watch.Elapsed.TotalMilliseconds);
        }
        runs.Sort();
        return runs[1];
    }

    private static async Task RenderToDiskAsync(Func<ArticleDocument, CancellationToken, Task<string>> render, IReadOnlyList<ArticleDocument> documents)
    {
        var output = Directory.CreateTempSubdirectory("sn-render-");
        try
        {
            // Both tools use every core.
            await Parallel.ForEachAsync(documents, async (document, ct) =>
            {
                var html = await render(document, ct);
                var file = Path.Combine(output.FullName, document.PageBlobName);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, html, ct);
            });
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static readonly string[] HugoLocations = ["/usr/bin/hugo", "/usr/local/bin/hugo"];

    private static string? FindHugo() => HugoLocations.FirstOrDefault(File.Exists);

    private static async Task<double> HugoAsync(string hugo, int count)
    {
        var site = Directory.CreateTempSubdirectory("sn-hugo-");
        try
        {
            WriteHugoSite(site.FullName, count);
            return await TimeAsync(async () =>
            {
                var start = new ProcessStartInfo(hugo, ["--quiet", "--source", site.FullName, "--destination", Path.Combine(site.FullName, "public")])
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
