using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;
using ServerlessNews.Tests.Publishing;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// A signed delivery replayed where it was not sent: a captured kill against other articles, a webhook-id
/// reused for another delivery. Over real HTTP (DevServer) against a real Azurite.
/// </summary>
public sealed class KillReplayTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    private HttpClient Client => server.Client;

    private static byte[] KillBody(string id) => Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["action"] = "kill" }.ToJsonString());

    private async Task PublishAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id)))).StatusCode);
        }
        await server.DrainAsync();
    }

    private async Task<string?> StateAsync(string id) => await HostApi.ArticleStateAsync(Client, id);

    [Fact]
    public async Task A_kill_captured_for_one_article_and_replayed_against_others_kills_nothing()
    {
        await PublishAsync("replay-target", "replay-bystander", "replay-other");
        var at = DateTimeOffset.UtcNow;

        var kill = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/replay-target", KillBody("replay-target"), id: "msg_kill_captured", at: at));
        Assert.Equal(HttpStatusCode.Accepted, kill.StatusCode);
        await server.DrainAsync();
        Assert.Equal("killed", await StateAsync("replay-target"));

        // The attacker replays the captured delivery byte for byte (same headers, same signed body) against
        // the other ids GET /api/articles lists, within the five minutes its timestamp is valid.
        var replay = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/replay-bystander", KillBody("replay-target"), id: "msg_kill_captured", at: at));
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        var problem = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("replay-bystander", problem.GetProperty("errors").GetProperty("id")[0].GetString(), StringComparison.Ordinal);

        // A kill signed the old way, over an empty body, names no article: it is refused too, naming both fields.
        var unbound = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/replay-other", []));
        Assert.Equal(HttpStatusCode.BadRequest, unbound.StatusCode);
        var unboundErrors = (await unbound.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["action", "id"], unboundErrors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        await server.DrainAsync();
        Assert.Equal("published", await StateAsync("replay-bystander"));
        Assert.Equal("published", await StateAsync("replay-other"));
    }

    [Fact]
    public async Task A_webhook_id_already_seen_is_refused_for_any_other_delivery_and_a_retry_of_the_same_one_is_a_duplicate()
    {
        await PublishAsync("reuse-first", "reuse-second");
        var first = TestArticles.Valid("reuse-first", revision: 2).With("headline", "First, updated");
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Webhook.SignedDelivery(first, id: "msg_seen_once"))).StatusCode);
        var before = await StorageSnapshot.TakeAsync(server);

        // The same webhook-id on another article's publish, on a kill of either article: each is refused, and nothing changes.
        var otherArticle = await Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid("reuse-second", revision: 2), id: "msg_seen_once"));
        var killOther = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/reuse-second", KillBody("reuse-second"), id: "msg_seen_once"));
        var killSame = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/reuse-first", KillBody("reuse-first"), id: "msg_seen_once"));
        foreach (var refused in new[] { otherArticle, killOther, killSame })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));

        // The sender's own retry of that delivery (same id, same body) is still answered as a duplicate.
        var retry = await Client.SendAsync(Webhook.SignedDelivery(first, id: "msg_seen_once"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("duplicate", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await server.DrainAsync();
        Assert.Equal("published", await StateAsync("reuse-first"));
        Assert.Equal("published", await StateAsync("reuse-second"));
        var second = await server.StatusAsync("reuse-second");
        Assert.Equal(1, second.GetProperty("revision").GetInt64());
        Assert.Empty((await server.Queue(StorageNames.PublishQueue).PeekMessagesAsync(32)).Value);
    }
}
