using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Articles;
using ServerlessNews.DevServer;
using ServerlessNews.Index;
using ServerlessNews.Operations;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Operations;

public sealed class SiteRebuildTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task A_theme_change_reaches_every_article_page_with_the_rebuild_command()
    {
        var ids = Enumerable.Range(0, 5).Select(i => $"rebuild-{i}").ToArray();
        foreach (var id in ids)
        {
            await storage.SubmitAsync(TestArticles.Valid(id));
        }
        await storage.DrainPublishQueueAsync();
        var templates = storage.Container(StorageNames.TemplatesContainer);
        await templates.UploadBlobAsync("article.liquid", BinaryData.FromString("<article><h1 class=\"new-theme\">{{ article.headline }}</h1></article>"));
        try
        {
            var reports = new List<RebuildProgress>();
            var result = await storage.Get<SiteBuild>().RebuildAsync(new SyncProgress(reports.Add), parallelism: 4, CancellationToken.None);

            Assert.True(result.ArticlePages >= ids.Length); // other tests of the class publish too
            Assert.Equal(["index", "listings", "articles"], reports.Select(r => r.Phase).Distinct());
            Assert.Equal(result.ArticlePages, reports[^1].Done);
            foreach (var id in ids)
            {
                var page = Html.Parse((await storage.PageAsync($"/world/2026/11/27/{id}/"))!);
                Assert.NotNull(page.QuerySelector("h1.new-theme"));
            }

            // The same through the operator command, as a separate process against the same storage.
            await templates.GetBlobClient("article.liquid").UploadAsync(
                BinaryData.FromString("<article><h1 class=\"newer-theme\">{{ article.headline }}</h1></article>"), overwrite: true);
            using var command = await DevServerProcess.StartAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = storage.ConnectionString }, "rebuild");
            var niceValues = await ThreadNiceValuesUntilExitAsync(command);
            Assert.Equal(0, await command.WaitForExitAsync());
            Assert.NotNull(Html.Parse((await storage.PageAsync("/world/2026/11/27/rebuild-0/"))!).QuerySelector("h1.newer-theme"));

            // It runs as batch work, below normal priority: once every thread it had is lowered, so is every thread
            // it starts after (the runtime's own threads included), to its end.
            var lowered = niceValues.FindIndex(sample => sample.All(nice => nice >= BatchPriority.BelowNormalNice));
            Assert.True(lowered >= 0, "No moment in which every thread of the rebuild ran below normal priority: " +
                string.Join(" | ", niceValues.Select(sample => string.Join(',', sample))));
            Assert.All(niceValues[lowered..], sample => Assert.All(sample, nice => Assert.InRange(nice, BatchPriority.BelowNormalNice, 19)));
        }
        finally
        {
            await templates.DeleteBlobAsync("article.liquid");
        }
    }

    [Fact]
    public async Task A_dry_run_renders_every_page_and_changes_nothing_and_an_unchanged_theme_rewrites_nothing()
    {
        var ids = new[] { "rebuild-dry-0", "rebuild-dry-1", "rebuild-dry-2" };
        foreach (var id in ids)
        {
            await storage.SubmitAsync(TestArticles.Valid(id).With("tags", new JsonArray("Dry runs")));
        }
        await storage.DrainPublishQueueAsync();
        // The listing pages wait for their refresh; a first rebuild writes them.
        await storage.Get<SiteBuild>().RebuildAsync(null, parallelism: 4, CancellationToken.None);
        var before = await SnapshotAsync();

        var dry = await storage.Get<SiteBuild>().RebuildAsync(null, parallelism: 4, CancellationToken.None, dryRun: true);
        Assert.True(dry.ArticlePages >= ids.Length);
        Assert.True(dry.OtherFiles > 0);
        Assert.Equal(0, dry.Written);
        Assert.Equal(before, await SnapshotAsync());

        // The same theme again: these pages come out as stored, so none is rewritten (a CDN is not purged for
        // nothing). Pages of the class's other tests may change: their theme may have changed since.
        var mine = (await SnapshotAsync()).Where(line => ids.Any(id => line.Contains(id, StringComparison.Ordinal))).ToList();
        Assert.Equal(ids.Length, mine.Count(line => line.Contains("/index.html ", StringComparison.Ordinal)));
        var again = await storage.Get<SiteBuild>().RebuildAsync(null, parallelism: 4, CancellationToken.None);
        Assert.Equal(dry.ArticlePages, again.ArticlePages);
        Assert.Equal(mine, (await SnapshotAsync()).Where(line => ids.Any(id => line.Contains(id, StringComparison.Ordinal))).ToList());
    }

    [Fact]
    public async Task A_page_already_at_a_newer_revision_is_kept_and_a_document_too_large_for_the_table_is_read_from_content()
    {
        await storage.SubmitAsync(TestArticles.Valid("rebuild-newer"));
        // About 200 KB of words that do not repeat: too much for a table property even compressed.
        var random = new Random(7);
        var words = string.Join(' ', Enumerable.Range(0, 30_000).Select(_ => new string(Enumerable.Range(0, 6).Select(_ => (char)('a' + random.Next(26))).ToArray())));
        await storage.SubmitAsync(TestArticles.Valid("rebuild-large").WithBody("markdown", words));
        await storage.DrainPublishQueueAsync();
        Assert.Null((await storage.Table(StorageNames.ArticlesTable).GetEntityAsync<TableEntity>("rebuild-large", ArticleEntity.RowFor("rebuild-large"))).Value.GetBinary("Document"));

        // A newer revision's page, as a publish racing with the rebuild would leave it.
        var newer = storage.Container(StorageNames.WebContainer).GetBlobClient(ArticleDocument.PageBlobNameFor("/world/2026/11/27/rebuild-newer/"));
        await newer.UploadAsync(BinaryData.FromString("<p>revision 9</p>"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["revision"] = "9" } });
        var templates = storage.Container(StorageNames.TemplatesContainer);
        await templates.UploadBlobAsync("article.liquid", BinaryData.FromString("<article><h1 class=\"large-theme\">{{ article.headline }}</h1></article>"));
        try
        {
            await storage.Get<SiteBuild>().RebuildAsync(null, parallelism: 4, CancellationToken.None);

            Assert.Equal("<p>revision 9</p>", await storage.PageAsync("/world/2026/11/27/rebuild-newer/"));
            Assert.NotNull(Html.Parse((await storage.PageAsync("/world/2026/11/27/rebuild-large/"))!).QuerySelector("h1.large-theme"));
        }
        finally
        {
            await templates.DeleteBlobAsync("article.liquid");
        }
    }

    [Fact]
    public async Task A_rebuild_records_its_theme_so_the_timer_sweeps_only_for_a_later_change()
    {
        await storage.SubmitAsync(TestArticles.Valid("rebuild-theme"));
        await storage.DrainPublishQueueAsync();
        var templates = storage.Container(StorageNames.TemplatesContainer);
        var listings = storage.Table(StorageNames.ListingsTable);
        var sweepMarker = new SiteOutput.Sweep().Key;
        await templates.UploadBlobAsync("article.liquid", BinaryData.FromString("<article><h1 class=\"recorded-theme\">{{ article.headline }}</h1></article>"));
        try
        {
            await storage.Get<SiteBuild>().RebuildAsync(null, parallelism: 4, CancellationToken.None);
            await listings.DeleteEntityAsync(RefreshMarkers.Partition, sweepMarker);

            // Every page already shows this theme: sweeping 10,000 pages again would change none of them.
            await storage.Get<SiteMaintenance>().CheckThemeAsync(CancellationToken.None);
            Assert.False((await listings.GetEntityIfExistsAsync<TableEntity>(RefreshMarkers.Partition, sweepMarker)).HasValue,
                "The timer scheduled a site-wide sweep right after a rebuild with the same theme.");

            await templates.GetBlobClient("article.liquid").UploadAsync(
                BinaryData.FromString("<article><h1 class=\"later-theme\">{{ article.headline }}</h1></article>"), overwrite: true);
            await storage.Get<SiteMaintenance>().CheckThemeAsync(CancellationToken.None);
            Assert.True((await listings.GetEntityIfExistsAsync<TableEntity>(RefreshMarkers.Partition, sweepMarker)).HasValue,
                "A theme change after the rebuild scheduled no sweep.");
        }
        finally
        {
            await templates.DeleteBlobAsync("article.liquid");
            await listings.DeleteEntityAsync(RefreshMarkers.Partition, sweepMarker);
        }
    }

    /// <summary>Every blob of $web with its ETag, and every row of the listings table.</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        var state = new List<string>();
        await foreach (var blob in storage.Container(StorageNames.WebContainer).GetBlobsAsync())
        {
            state.Add(blob.Name + " " + blob.Properties.ETag);
        }
        await foreach (var row in storage.Table(StorageNames.ListingsTable).QueryAsync<TableEntity>())
        {
            state.Add(row.PartitionKey + " " + row.RowKey + " " + row.ETag);
        }
        return state;
    }

    private sealed class SyncProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }

    /// <summary>The nice value of every thread of the process, read from the kernel until it exits.</summary>
    private static async Task<List<int[]>> ThreadNiceValuesUntilExitAsync(DevServerProcess process)
    {
        var samples = new List<int[]>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                // In /proc/PID/task/TID/stat the nice value is the 17th field after the command name's closing parenthesis.
                samples.Add([.. Directory.GetDirectories($"/proc/{process.ProcessId}/task").Select(task =>
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
                })]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A thread, or the process, ended while it was read.
            }
            await Task.Delay(5);
        }
        return samples;
    }
}
