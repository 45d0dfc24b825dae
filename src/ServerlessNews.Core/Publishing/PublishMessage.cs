using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessNews.Publishing;

/// <summary>The <c>publish</c> queue message: which stored submission to publish.</summary>
public sealed record PublishMessage(string ArticleId, long Revision, string Submission);

/// <summary>Source-generated serialization for the <c>publish</c> queue message.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublishMessage))]
public sealed partial class PublishingJsonContext : JsonSerializerContext;
