using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessNews.Articles;
using ServerlessNews.Publishing;

namespace ServerlessNews;

/// <summary>Source-generated serialization for queue messages and stored documents.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PublishMessage))]
[JsonSerializable(typeof(ArticleDocument))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
