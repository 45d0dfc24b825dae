using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Tests.Infrastructure;
using ServerlessNews.Tests.Publishing;

namespace ServerlessNews.Tests.Reliability;

/// <summary>Every kind of bad input gets a clear 4xx ProblemDetails and changes nothing in storage.</summary>
public sealed class BadInputSweepTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    public static TheoryData<string, byte[]> BadBodies()
    {
        var valid = TestArticles.Valid("sweep");
        byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
        return new()
        {
            { "truncated JSON", Encoding.UTF8.GetBytes(valid.ToJsonString()[..40]) },
            { "not an object", "\"article\""u8.ToArray() },
            { "null", "null"u8.ToArray() },
            { "empty body", [] },
            { "wrong types", Json(valid.With("revision", "three").With("authors", "Ana").With("tags", 5).With("image", "x.jpg")) },
            { "huge headline", Json(valid.With("headline", new string('H', 5000))) },
            { "deep nesting", Encoding.UTF8.GetBytes("{\"id\":\"sweep\",\"body\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100) + "}") },
            { "invalid UTF-8", [.. "{\"id\":\"sw"u8, 0xFF, 0xFE, .. "\"}"u8] },
            { "control characters in a name", Json(valid.With("authors", new JsonArray("Ana\u0000Ruiz"))) },
            { "bidi override in a headline", Json(valid.With("headline", "Bridge \u202Esnepoer")) },
            { "zero-width character in the id", Json(valid.With("id", "sweep\u200b")) },
            { "path traversal in the id", Json(valid.With("id", "../../$web/index")) },
            { "slash in the id", Json(valid.With("id", "world/sweep")) },
            { "section that is only symbols and spaces", Json(valid.With("section", "   ")) },
            { "javascript image URL", Json(valid.With("image", new JsonObject { ["url"] = "javascript:alert(1)", ["alt"] = "x" })) },
            { "unknown body format", Json(valid.WithBody("docx", "x")) },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_get_400_and_change_nothing(string why, byte[] body)
    {
        var before = await StorageSnapshot.TakeAsync(server);
        var response = await server.Client.SendAsync(Webhook.SignedDelivery(body));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Fact]
    public async Task Absent_duplicated_and_garbled_headers_get_4xx_and_change_nothing()
    {
        var before = await StorageSnapshot.TakeAsync(server);
        var body = Encoding.UTF8.GetBytes(TestArticles.Valid("headers").ToJsonString());

        var noContentType = Webhook.SignedDelivery(body);
        noContentType.Content!.Headers.ContentType = null;
        var twoIds = Webhook.SignedDelivery(body);
        twoIds.Headers.TryAddWithoutValidation("webhook-id", "msg_other");
        var twoTimestamps = Webhook.SignedDelivery(body);
        twoTimestamps.Headers.TryAddWithoutValidation("webhook-timestamp", "1");
        var garbled = Webhook.SignedDelivery(body);
        garbled.Headers.Remove("webhook-signature");
        garbled.Headers.TryAddWithoutValidation("webhook-signature", "v1,%%%% v1");
        var lying = Webhook.SignedDelivery(body);
        lying.Content!.Headers.ContentLength = 5_000_000;

        await BadRequests.AssertEachAnswersAsync(server.Client, new[]
        {
            (noContentType, HttpStatusCode.UnsupportedMediaType),
            (twoIds, HttpStatusCode.Unauthorized),
            (twoTimestamps, HttpStatusCode.Unauthorized),
            (garbled, HttpStatusCode.Unauthorized),
            (lying, HttpStatusCode.RequestEntityTooLarge),
        });
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Theory]
    [InlineData("/api/articles/..%2F..%2Fetc")]
    [InlineData("/api/articles/%E2%80%AEevil")]
    [InlineData("/api/articles/UPPER")]
    public async Task Bad_ids_in_urls_get_400(string url)
    {
        var response = await server.Client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Path_traversal_on_the_site_never_leaves_web()
    {
        var response = await server.Client.GetAsync(new Uri("/..%2F..%2Fsubmissions/x", UriKind.Relative));
        Assert.True((int)response.StatusCode is 400 or 404);
    }
}
