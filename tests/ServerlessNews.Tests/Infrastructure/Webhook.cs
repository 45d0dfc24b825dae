using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>Builds signed webhook deliveries the way a Standard Webhooks sender does.</summary>
public static class Webhook
{
    public static HttpRequestMessage SignedDelivery(JsonNode body, string? id = null, DateTimeOffset? at = null, string secret = StorageFixture.Secret) =>
        SignedDelivery(Encoding.UTF8.GetBytes(body.ToJsonString()), id, at, secret);

    public static HttpRequestMessage SignedDelivery(byte[] body, string? id = null, DateTimeOffset? at = null, string secret = StorageFixture.Secret, string contentType = "application/json")
    {
        var request = SignedRequest(HttpMethod.Post, "/api/articles", body, id, at, secret);
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    /// <summary><c>GET /api/articles/{id}</c> as the CMS sends it: with the article's status key, for every detail.</summary>
    public static HttpRequestMessage StatusRequest(string id, string secret = StorageFixture.Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/articles/{id}");
        request.Headers.Add(ArticleStatusKeys.Header, ArticleStatusKeys.Compute(StandardWebhookVerifier.DecodeSecret(secret), id));
        return request;
    }

    /// <summary>Any request signed like a webhook delivery, over its body (which may be empty).</summary>
    public static HttpRequestMessage SignedRequest(HttpMethod method, string path, byte[] body, string? id = null, DateTimeOffset? at = null, string secret = StorageFixture.Secret)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(secret, id, timestamp, body));
        return request;
    }
}
