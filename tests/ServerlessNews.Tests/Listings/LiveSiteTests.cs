using System.Net;
using ServerlessNews.Publishing;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Listings;

/// <summary>The DevServer as a developer runs it: its WebJobs listeners run the publish and refresh queues.</summary>
public sealed class LiveSiteTests(LiveDevServerFixture server) : IClassFixture<LiveDevServerFixture>
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_webhook_publish_reaches_the_section_page_and_a_signed_delete_takes_it_off()
    {
        var at = Seconds(DateTimeOffset.UtcNow.AddSeconds(-10));
        var response = await Client.SendAsync(Webhook.SignedDelivery(Article("live-wire-story", "Live Wire", ["Current"], ["Ana Ruiz"], at)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var path = PathOf("live-wire-story", "Live Wire", at);

        await UntilAsync(async () => (await GetAsync("/live-wire/"))?.Contains(path, StringComparison.Ordinal) == true, "the section page to list the article");
        Assert.Contains(path, (await GetAsync("/feed.xml"))!, StringComparison.Ordinal);

        var deleted = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/live-wire-story", KillRequest.Body("live-wire-story")));
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);

        await UntilAsync(async () => (await GetAsync("/live-wire/"))?.Contains(path, StringComparison.Ordinal) == false, "the section page to drop the article");
        await UntilAsync(async () => (await GetAsync("/feed.xml"))?.Contains(path, StringComparison.Ordinal) == false, "the feed to drop the article");
        Assert.Contains("This article has been removed", (await GetAsync(path))!, StringComparison.Ordinal);
    }

    private async Task<string?> GetAsync(string path)
    {
        var response = await Client.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(250);
        }
    }
}
