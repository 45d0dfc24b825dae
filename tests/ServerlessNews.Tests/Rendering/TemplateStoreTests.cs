using Azure.Storage.Blobs;
using Fluid;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Rendering;

public sealed class TemplateStoreTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private static async Task<string> RenderAsync(TemplateStore store, string name) =>
        await (await store.GetAsync(name, CancellationToken.None)).RenderAsync(new TemplateContext());

    [Fact]
    public async Task A_theme_change_reaches_pages_within_the_refresh_interval_and_a_steady_flow_never_waits_for_the_check()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new TemplateStore(storage.Get<BlobServiceClient>(), Options.Create(new SiteOptions { TemplateRefresh = Refresh }), clock,
            NullLogger<TemplateStore>.Instance);
        var overrides = storage.Container(StorageNames.TemplatesContainer);
        const string name = "removed.liquid"; // a template of the default theme, which the overrides replace
        await overrides.UploadBlobAsync(name, BinaryData.FromString("first theme"));
        try
        {
            Assert.Equal("first theme", await RenderAsync(store, name));
            await overrides.GetBlobClient(name).UploadAsync(BinaryData.FromString("second theme"), overwrite: true);

            // Checked less than half an interval ago: the cached template, and no check.
            clock.Advance(Refresh / 2 - TimeSpan.FromSeconds(1));
            Assert.Equal("first theme", await RenderAsync(store, name));

            // Past half the interval: this render keeps the cached template and starts a check in the
            // background; later renders, with the clock standing still, get the new one once it is done.
            clock.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal("first theme", await RenderAsync(store, name));
            await Poll.UntilAsync(async () => await RenderAsync(store, name) == "second theme" ? "" : null, TimeSpan.FromSeconds(10),
                "the background check to bring the second theme");

            // A quiet spell longer than the interval: the first render waits for the check, so it is never
            // rendered with a template checked longer ago than that.
            await overrides.DeleteBlobAsync(name);
            clock.Advance(Refresh + TimeSpan.FromSeconds(1));
            Assert.Equal(await TemplateStore.Embedded(name).RenderAsync(new TemplateContext()), await RenderAsync(store, name));
        }
        finally
        {
            await overrides.DeleteBlobIfExistsAsync(name);
        }
    }
}
