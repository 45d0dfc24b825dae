using System.Text.Json.Nodes;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>Article submissions as a CMS would send them; tests change what they are about.</summary>
public static class TestArticles
{
    public static JsonObject Valid(string id = "harbour-bridge-reopens", long revision = 1) => new()
    {
        ["id"] = id,
        ["revision"] = revision,
        ["status"] = "published",
        ["section"] = "World",
        ["kicker"] = "Exclusive",
        ["headline"] = "Harbour bridge reopens after repairs",
        ["authors"] = new JsonArray("Ana Ruiz", "Tom Becker"),
        ["dateline"] = "LISBON",
        ["summary"] = "The bridge carries 150,000 vehicles a day.",
        ["tags"] = new JsonArray("Transport", "Portugal"),
        ["image"] = new JsonObject { ["url"] = "https://images.example.test/bridge.jpg", ["alt"] = "The bridge at dawn" },
        ["publishedAt"] = "2026-11-27T08:30:00Z",
        ["corrections"] = new JsonArray(),
        ["body"] = new JsonObject
        {
            ["format"] = "markdown",
            ["content"] = "The bridge reopened on Friday.\n\n## Traffic\n\nCommuters returned at dawn.",
        },
    };

    public static JsonObject With(this JsonObject article, string field, JsonNode? value)
    {
        var copy = (JsonObject)article.DeepClone();
        copy[field] = value;
        return copy;
    }

    public static JsonObject Without(this JsonObject article, string field)
    {
        var copy = (JsonObject)article.DeepClone();
        copy.Remove(field);
        return copy;
    }

    public static JsonObject WithBody(this JsonObject article, string format, string content) =>
        article.With("body", new JsonObject { ["format"] = format, ["content"] = content });
}
