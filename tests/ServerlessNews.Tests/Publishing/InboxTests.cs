using System.Text.Json;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Publishing;

/// <summary>Files dropped into inbox/ take the webhook's path (the blob trigger hands them to InboxHandler).</summary>
public sealed class InboxTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private async Task DropAsync(string name, string content)
    {
        var blob = storage.Container(StorageNames.InboxContainer).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString(content), overwrite: true);
        await storage.Get<InboxHandler>().HandleAsync(name, blob, CancellationToken.None);
    }

    [Fact]
    public async Task A_json_file_is_published_and_leaves_the_inbox()
    {
        await DropAsync("drop.json", TestArticles.Valid("dropped-json").ToJsonString());
        await storage.DrainPublishQueueAsync();

        var page = Html.Parse((await storage.PageAsync("/world/2026/11/27/dropped-json/"))!);
        Assert.Equal("Harbour bridge reopens after repairs", page.QuerySelector("h1")!.TextContent);
        Assert.False(await storage.Container(StorageNames.InboxContainer).GetBlobClient("drop.json").ExistsAsync());
        Assert.Equal("published", (await storage.StatusAsync("dropped-json")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_markdown_file_with_front_matter_is_published()
    {
        const string file = """
            ---
            id: quay-wall-collapses
            revision: 1
            section: Local
            headline: Quay wall collapses
            authors: [Rui Costa, Inês Lopes]
            dateline: PORTO
            publishedAt: 2026-11-26T18:00:00Z
            ---
            The quay wall gave way at **dusk**.

            ## Engineers called in

            Inspections begin Monday.
            """;
        await DropAsync("2026/quay.md", file);
        await storage.DrainPublishQueueAsync();

        var page = Html.Parse((await storage.PageAsync("/local/2026/11/26/quay-wall-collapses/"))!);
        Assert.Equal("By Rui Costa and Inês Lopes", page.QuerySelector(".byline")!.TextContent);
        Assert.Equal("PORTO – The quay wall gave way at dusk.", page.QuerySelector(".article-body p")!.TextContent);
        Assert.Equal("dusk", page.QuerySelector(".article-body strong")!.TextContent);
        Assert.Equal("Engineers called in", page.QuerySelector(".article-body h2")!.TextContent);
    }

    [Fact]
    public async Task An_invalid_file_is_moved_aside_with_every_reason()
    {
        var before = await StorageSnapshot.TakeAsync(storage);
        await DropAsync("broken.json", TestArticles.Valid("broken").With("headline", "").With("publishedAt", "tomorrow").ToJsonString());

        var rejected = storage.Container(StorageNames.RejectedContainer);
        Assert.True(await rejected.GetBlobClient("broken.json").ExistsAsync());
        var problem = JsonDocument.Parse((await rejected.GetBlobClient("broken.json.problem.json").DownloadContentAsync()).Value.Content.ToString()).RootElement;
        Assert.Equal(new[] { "headline", "publishedAt" }, problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(await storage.Container(StorageNames.InboxContainer).GetBlobClient("broken.json").ExistsAsync());
        Assert.Equal(before, await StorageSnapshot.TakeAsync(storage));
    }

    [Fact]
    public async Task The_same_file_delivered_twice_is_one_submission()
    {
        var content = TestArticles.Valid("twice-dropped").ToJsonString();
        await DropAsync("twice.json", content);
        // The same file again: a second upload, or the trigger's delivery repeated before the first removed it.
        await DropAsync("twice.json", content);

        var submissions = await storage.Container(StorageNames.SubmissionsContainer)
            .GetBlobsAsync(BlobTraits.None, BlobStates.None, "twice-dropped/", default).CountAsync();
        Assert.Equal(1, submissions);
        await storage.DrainPublishQueueAsync();
    }
}
