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
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(secret, id, timestamp, body));
        return request;
    }
}
