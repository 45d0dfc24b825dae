using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessNews.Articles;

/// <summary>
/// Source-generated serialization for the normalized article document, wherever it is stored (the <c>content</c>
/// container, packed in the article's row), and for the lists of names the index keeps as JSON.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ArticleDocument))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class ArticlesJsonContext : JsonSerializerContext;
