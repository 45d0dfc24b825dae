using ServerlessNews.Operations;
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
            var result = await storage.Get<SiteRebuild>().RebuildArticlesAsync(new SyncProgress(reports.Add), parallelism: 4, CancellationToken.None);

            Assert.Equal(ids.Length, result.Done);
            Assert.Equal(ids.Length, reports[^1].Done);
            foreach (var id in ids)
            {
                var page = Html.Parse((await storage.PageAsync($"/world/2026/11/27/{id}/"))!);
                Assert.NotNull(page.QuerySelector("h1.new-theme"));
            }

            // The same through the operator command, as a separate process against the same storage.
            await templates.GetBlobClient("article.liquid").UploadAsync(
                BinaryData.FromString("<article><h1 class=\"newer-theme\">{{ article.headline }}</h1></article>"), overwrite: true);
            using var command = await DevServerProcess.StartAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = storage.ConnectionString }, "rebuild");
            Assert.Equal(0, await command.WaitForExitAsync());
            Assert.NotNull(Html.Parse((await storage.PageAsync("/world/2026/11/27/rebuild-0/"))!).QuerySelector("h1.newer-theme"));
        }
        finally
        {
            await templates.DeleteBlobAsync("article.liquid");
        }
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
}
