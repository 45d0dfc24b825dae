using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Articles;

namespace ServerlessNews.Publishing;

/// <summary>
/// The signed body of <c>DELETE /api/articles/{id}</c>: <c>{"id": "&lt;the id in the URL&gt;", "action": "kill"}</c>.
/// Standard Webhooks signs the webhook-id, the timestamp and the body, not the method or the URL: a kill signed over
/// an empty body is valid against any article for five minutes. Naming the article and the action in the signed
/// body binds the signature to them, and a CMS signs it with the same Standard Webhooks code as its publishes.
/// </summary>
public static class KillRequest
{
    public const string Action = "kill";

    public static byte[] Body(string articleId) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["id"] = articleId, ["action"] = Action });

    /// <summary>Adds an error for each field that does not match the route.</summary>
    public static void Check(ReadOnlySpan<byte> body, string routeId, ValidationErrors errors)
    {
        var expected = $"must be \"{routeId}\", the article in the URL: a kill signs {{\"id\": \"{routeId}\", \"action\": \"{Action}\"}} as its body.";
        JsonNode? node;
        try
        {
            node = body.IsEmpty ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            node = null;
        }
        var (id, action) = node is JsonObject json ? (StringField(json, "id"), StringField(json, "action")) : (null, null);
        if (id != routeId)
        {
            errors.Add("id", expected);
        }
        if (action != Action)
        {
            errors.Add("action", $"must be \"{Action}\".");
        }
    }

    private static string? StringField(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
