using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessNews.Index;

/// <summary>Source-generated serialization for what the listing heads keep as JSON.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<ListingEntity>))]
[JsonSerializable(typeof(List<SectionName>))]
internal sealed partial class IndexJsonContext : JsonSerializerContext;
