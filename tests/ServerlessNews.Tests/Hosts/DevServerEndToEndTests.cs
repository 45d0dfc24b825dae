using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Hosts;

/// <summary>
/// The whole slice through the DevServer as a developer runs it: HTTP on Kestrel, the publish queue and the
/// inbox blob trigger on the WebJobs SDK, the page read back from the site it serves at /.
/// </summary>
public sealed class DevServerEndToEndTests(LiveDevServerFixture server) : IClassFixture<LiveDevServerFixture>
{
    private async Task<JsonElement> WaitForStateAsync(string id, string state) =>
        await Poll.UntilAsync<JsonElement?>(async () =>
        {
            var response = await server.Client.GetAsync(new Uri($"/api/articles/{id}", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var status = await response.Content.ReadFromJsonAsync<JsonElement>();
            return status.GetProperty("state").GetString() == state ? status : null;
        }, TimeSpan.FromSeconds(60), $"{id} to be {state}") ?? default;

    [Fact]
    public async Task A_signed_webhook_becomes_a_page_served_at_its_url()
    {
        var response = await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("end-to-end")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var status = await WaitForStateAsync("end-to-end", "published");
        Assert.Equal(StorageFixture.BaseUrl + "/world/2026/11/27/end-to-end/", status.GetProperty("url").GetString());

        var page = await server.Client.GetAsync(new Uri("/world/2026/11/27/end-to-end/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var document = Html.Parse(await page.Content.ReadAsStringAsync());
        Assert.Equal("Harbour bridge reopens after repairs", document.QuerySelector("h1")!.TextContent);

        var withoutSlash = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Client.BaseAddress }
            .GetAsync(new Uri("/world/2026/11/27/end-to-end", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, withoutSlash.StatusCode);

        var missing = await server.Client.GetAsync(new Uri("/world/2026/11/27/no-such-article/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_file_dropped_in_the_inbox_is_picked_up_by_the_blob_trigger()
    {
        await server.Container(StorageNames.InboxContainer).UploadBlobAsync(
            "from-cms.json", BinaryData.FromString(TestArticles.Valid("inbox-end-to-end").ToJsonString()));

        await WaitForStateAsync("inbox-end-to-end", "published");
        var page = await server.Client.GetStringAsync(new Uri("/world/2026/11/27/inbox-end-to-end/", UriKind.Relative));
        Assert.Contains("Harbour bridge reopens after repairs", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_uploaded_to_images_gets_its_renditions_and_its_page_is_rendered_again_by_the_triggers()
    {
        var response = await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("image-end-to-end")
            .With("image", new System.Text.Json.Nodes.JsonObject { ["url"] = "images/end-to-end.jpg", ["alt"] = "The bridge" })));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForStateAsync("image-end-to-end", "published");

        await server.Container(StorageNames.ImagesContainer).UploadBlobAsync("end-to-end.jpg", BinaryData.FromBytes(Images.TestImages.Jpeg(700, 400)));

        // The blob trigger writes the renditions and queues the page; the refresh trigger renders it again.
        var page = await Poll.UntilAsync(async () =>
        {
            var html = await server.Client.GetStringAsync(new Uri("/world/2026/11/27/image-end-to-end/", UriKind.Relative));
            return html.Contains("<picture>", StringComparison.Ordinal) ? Html.Parse(html) : null;
        }, TimeSpan.FromSeconds(90), "the page with the image's renditions");
        var webp = page.QuerySelector("figure.lead-image source[type='image/webp']")!.GetAttribute("srcset")!.Split(", ")[^1].Split(' ')[0];
        var rendition = await server.Client.GetAsync(new Uri(webp, UriKind.Relative));
        Assert.Equal("image/webp", rendition.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", rendition.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task The_readme_example_signs_and_posts_the_sample_article()
    {
        var start = new ProcessStartInfo("bash", ["eng/post-article.sh", "samples/harbour-bridge-reopens.json"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SERVERLESSNEWS_URL"] = server.Client.BaseAddress!.ToString().TrimEnd('/');
        start.Environment["WEBHOOK_SECRET"] = StorageFixture.Secret;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Contains("HTTP/1.1 202", output, StringComparison.Ordinal);
        await WaitForStateAsync("harbour-bridge-reopens", "published");
        var page = Html.Parse(await server.Client.GetStringAsync(new Uri("/world/2026/11/27/harbour-bridge-reopens/", UriKind.Relative)));
        Assert.Equal("LACK OF BACK CHANNELS", page.QuerySelector(".article-body h2")!.TextContent);
    }
}
