using System.Text;
using BenchmarkDotNet.Attributes;
using ServerlessNews.Articles;
using ServerlessNews.Rendering;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Bench;

/// <summary>The CPU work of one publish, piece by piece (BenchmarkDotNet: <c>-- --micro</c>).</summary>
[MemoryDiagnoser]
// In-process: the benchmarked code is Core only, and a generated project would rebuild every host.
[InProcess]
public class MicroBenchmarks
{
    private readonly BodyRenderer _bodies = new();
    private readonly ArticleBody _markdown = new(BodyFormat.Markdown, SampleArticles.Body(1));
    private readonly ArticleBody _text = new(BodyFormat.Text, SampleArticles.Body(1).Replace("**", "", StringComparison.Ordinal));
    private readonly byte[] _json = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new
    {
        id = "bench",
        revision = 1,
        section = "World",
        headline = "Talks resume",
        authors = new[] { "Ana Ruiz" },
        publishedAt = "2026-11-27T08:30:00Z",
        body = new { format = "markdown", content = SampleArticles.Body(1) },
    }));

    [Benchmark]
    public string MarkdownBody() => _bodies.Render(_markdown, "LISBON");

    [Benchmark]
    public string WireCopyBody() => _bodies.Render(_text, "LISBON");

    [Benchmark]
    public bool ParseAndValidate() => SubmissionParser.ParseJson(_json).IsValid;

    [Benchmark]
    public string SignWebhook() => StandardWebhookVerifier.Sign("whsec_YmVuY2htYXJrLXNlY3JldC1mb3Itc2VydmVybGVzc25ld3M=", "msg_1", 1_700_000_000, _json);
}
