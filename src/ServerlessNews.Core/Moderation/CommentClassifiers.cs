using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Moderation;

/// <summary>What a classifier sees: never the email or the address, only what would be published.</summary>
public sealed record ClassifierInput(string ArticleId, string CommentId, string Name, string? Website, string Text);

/// <summary>A classifier's opinion: <c>spam</c>, <c>hold</c> or <c>ok</c>, and why (kept as the verdict's evidence).</summary>
public sealed record ClassifierResult(string Verdict, string? Reason);

/// <summary>
/// A pluggable content classifier (Azure AI Content Safety, Akismet, …), consulted after the word lists.
/// Off by default. Returning null means "no opinion" and the pipeline goes on.
/// </summary>
public interface ICommentClassifier
{
    ValueTask<ClassifierResult?> ClassifyAsync(ClassifierInput input, CancellationToken ct);
}

/// <summary>The default: no classifier.</summary>
public sealed class NoCommentClassifier : ICommentClassifier
{
    public ValueTask<ClassifierResult?> ClassifyAsync(ClassifierInput input, CancellationToken ct) => ValueTask.FromResult<ClassifierResult?>(null);
}

/// <summary>
/// <c>Moderation__Classifier = http</c>: posts the comment as JSON to <c>Moderation__ClassifierEndpoint</c>
/// (an adapter in front of a real service) and expects <c>{ "verdict": "spam|hold|ok", "reason": "…" }</c>.
/// Failures throw, so the queue retries the moderation rather than deciding without it.
/// </summary>
public sealed class HttpCommentClassifier(HttpClient http, IOptions<ModerationOptions> options) : ICommentClassifier
{
    public async ValueTask<ClassifierResult?> ClassifyAsync(ClassifierInput input, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(options.Value.ClassifierEndpoint, input, ClassifierJsonContext.Default.ClassifierInput, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(ClassifierJsonContext.Default.ClassifierResult, ct);
    }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ClassifierInput))]
[JsonSerializable(typeof(ClassifierResult))]
internal sealed partial class ClassifierJsonContext : JsonSerializerContext;
