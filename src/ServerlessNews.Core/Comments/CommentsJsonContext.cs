using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessNews.Comments;

/// <summary>Source-generated serialization for the <c>moderate</c> queue message.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModerateMessage))]
public sealed partial class CommentsJsonContext : JsonSerializerContext;
