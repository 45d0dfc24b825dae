using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// <c>GET /api/articles/{id}</c> is anonymous: a reader may learn what the published page shows, and nothing of a
/// killed article, an embargo or a failure. The CMS gets every detail with the article's status key.
/// </summary>
public sealed class StatusLeakTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    private const string SecretHeadline = "Minister to resign on Friday";

    private async Task<HttpResponseMessage> AnonymousAsync(string id) => await server.Client.GetAsync(new Uri($"/api/articles/{id}", UriKind.Relative));

    private static async Task AssertRevealsNothingAsync(HttpResponseMessage response, params string[] secrets)
    {
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_anonymous_reader_learns_nothing_of_a_killed_article_an_embargo_or_a_failure()
    {
        // Killed: its headline is gone from the site.
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("leak-gone").With("headline", SecretHeadline)))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/leak-gone", KillRequest.Body("leak-gone")))).StatusCode);
        await server.DrainAsync();
        await AssertRevealsNothingAsync(await AnonymousAsync("leak-gone"), SecretHeadline, "killed");

        // Embargoed: neither that it exists nor when it lifts.
        var until = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var embargoed = TestArticles.Valid("leak-held").With("headline", SecretHeadline).With("status", "embargoed").With("embargoedUntil", until);
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(Webhook.SignedDelivery(embargoed))).StatusCode);
        await server.DrainAsync();
        await AssertRevealsNothingAsync(await AnonymousAsync("leak-held"), SecretHeadline, until, "embargo");

        // Failed: the reason is an exception's message, with the storage account's internals in it.
        const string internals = "Connection refused (stagingstore01.table.core.windows.net:443)";
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("leak-failed", revision: 1)))).StatusCode);
        await server.DrainAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("leak-failed", revision: 2)))).StatusCode);
        await server.Get<ArticleIndex>().SetRevisionStateAsync("leak-failed", 2, ArticleStates.Failed, internals, CancellationToken.None);
        var failed = await AnonymousAsync("leak-failed");
        var text = await failed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("stagingstore01", text, StringComparison.Ordinal);
        Assert.DoesNotContain("webhook msg_", text, StringComparison.Ordinal);

        // Published: what its page shows, and no more.
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var shown = JsonDocument.Parse(text).RootElement;
        Assert.Equal("published", shown.GetProperty("state").GetString());
        Assert.Equal(StorageFixture.BaseUrl + "/world/2026/11/27/leak-failed/", shown.GetProperty("url").GetString());
        Assert.Equal("Harbour bridge reopens after repairs", shown.GetProperty("headline").GetString());
        Assert.False(shown.TryGetProperty("revisions", out _));
        Assert.False(shown.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task The_cms_reads_every_detail_with_the_status_key_its_webhook_answer_gave_it()
    {
        var accepted = await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("leak-cms").With("headline", SecretHeadline), id: "msg_leak_cms"));
        var key = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusKey").GetString()!;
        var kill = await server.Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/leak-cms", KillRequest.Body("leak-cms")));
        Assert.Equal(key, (await kill.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusKey").GetString());
        await server.DrainAsync();

        var detail = await server.Client.SendAsync(WithKey("leak-cms", key));
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var report = await detail.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("killed", report.GetProperty("state").GetString());
        Assert.Equal(SecretHeadline, report.GetProperty("headline").GetString());
        Assert.Equal([2, 1], report.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("revision").GetInt64()));
        Assert.Equal("killed", report.GetProperty("revisions")[0].GetProperty("state").GetString());
        Assert.Equal("webhook msg_leak_cms", report.GetProperty("revisions")[1].GetProperty("source").GetString());

        // The key of one article opens no other, and a wrong key is refused rather than answered as anonymous.
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("leak-other")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(WithKey("leak-other", key))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(WithKey("leak-cms", key[..^2] + "AA"))).StatusCode);
    }

    private static HttpRequestMessage WithKey(string id, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/articles/{id}");
        request.Headers.Add("x-status-key", key);
        return request;
    }
}
