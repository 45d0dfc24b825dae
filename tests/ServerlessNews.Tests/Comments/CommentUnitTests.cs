using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.Comments;
using ServerlessNews.DevServer;
using ServerlessNews.Functions;
using ServerlessNews.Moderation;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>Pieces of the comment feature that need no storage.</summary>
public sealed class CommentUnitTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    private static CommentKeys Keys(string key = "k1") => new(Options.Create(new ModerationOptions { Key = key }), Clock);

    [Fact]
    public void Pending_tokens_are_signed_and_expire()
    {
        var keys = Keys();
        var token = keys.PendingToken("an-article", "0123456789abcdef0123", TimeSpan.FromMinutes(5));
        Assert.Equal(("an-article", "0123456789abcdef0123"), keys.ReadPendingToken(token));
        Assert.Null(Keys("k2").ReadPendingToken(token));
        Assert.Null(keys.ReadPendingToken(token.Replace("an-article", "other-article", StringComparison.Ordinal)));
        Assert.Null(keys.ReadPendingToken("garbage"));
        Assert.Null(keys.ReadPendingToken(null));

        var clock = new FakeTimeProvider(Clock.GetUtcNow());
        var aging = new CommentKeys(Options.Create(new ModerationOptions { Key = "k1" }), clock);
        var shortLived = aging.PendingToken("an-article", "0123456789abcdef0123", TimeSpan.FromMinutes(5));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(aging.ReadPendingToken(shortLived));
    }

    [Fact]
    public void Email_hashes_are_keyed_and_ignore_case_and_spaces_and_ids_sort_by_time()
    {
        Assert.Equal(Keys().EmailHash("Ana@Example.com "), Keys().EmailHash("ana@example.com"));
        Assert.NotEqual(Keys("k1").EmailHash("ana@example.com"), Keys("k2").EmailHash("ana@example.com"));
        Assert.Equal(Keys("k1").EmailHash("a@b.c"), new CommentKeys(Options.Create(new ModerationOptions { HashKey = "derived:k1" }), Clock).EmailHash("a@b.c"));

        var clock = new FakeTimeProvider(Clock.GetUtcNow());
        var keys = new CommentKeys(Options.Create(new ModerationOptions { Key = "k" }), clock);
        var first = keys.NewCommentId();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = keys.NewCommentId();
        Assert.True(CommentKeys.IsCommentId(first));
        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Theory]
    [InlineData("Built with WordPress.", null)]
    [InlineData("Pressure is high", null)]
    [InlineData("The press said so", "'press' in comment")]
    [InlineData("PRESS!", "'press' in comment")]
    [InlineData("a press-release", "'press' in comment")]
    [InlineData("press_office", null)]
    public void Word_lists_match_whole_words_in_any_case(string text, string? expected)
    {
        var comment = new CommentEntity { AuthorName = "Reader", Text = text };
        var found = ModerationPipeline.FindWord(["press"], comment);
        if (expected is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(expected, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_http_classifier_posts_no_email_and_reads_the_verdict()
    {
        var handler = new RecordingHandler("""{ "verdict": "spam", "reason": "score 0.98" }""");
        var classifier = new HttpCommentClassifier(new HttpClient(handler),
            Options.Create(new ModerationOptions { Classifier = "http", ClassifierEndpoint = "https://classifier.example.test/check" }));

        var result = await classifier.ClassifyAsync(new ClassifierInput("a", "0123456789abcdef0123", "Ana", null, "Buy now"), CancellationToken.None);

        Assert.Equal(new ClassifierResult("spam", "score 0.98"), result);
        Assert.Equal("https://classifier.example.test/check", handler.Uri?.ToString());
        Assert.Contains("\"text\":\"Buy now\"", handler.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("email", handler.Body, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class RecordingHandler(string answer) : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }
        public string Body { get; private set; } = "";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri;
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}

/// <summary>The DevServer exposes the comment functions exactly as the Functions app declares them.</summary>
public sealed class CommentHostParityTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    [Fact]
    public void Every_comment_http_function_has_the_same_route_and_method_on_the_devserver_and_every_queue_function_a_trigger()
    {
        var functions = new[] { typeof(CommentIntake), typeof(PendingComment), typeof(ModerationComments), typeof(ModerationDecision), typeof(ModerationCommenters) };
        var devServer = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var type in functions)
        {
            var trigger = type.GetMethod("Run")!.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).Single(a => a is not null)!;
            foreach (var method in trigger.Methods!)
            {
                Assert.Contains($"{method} /api/{trigger.Route}", devServer);
            }
        }
        Assert.Equal(AuthorizationLevel.Function, typeof(ModerationDecision).GetMethod("Run")!.GetParameters()[0].GetCustomAttribute<HttpTriggerAttribute>()!.AuthLevel);

        var queue = typeof(ModerateComment).GetMethod("Run")!.GetParameters()[0].GetCustomAttribute<QueueTriggerAttribute>()!.QueueName;
        var webJobs = typeof(WebJobsTriggers).GetMethod(nameof(ModerateComment))!.GetParameters()[0]
            .GetCustomAttribute<Microsoft.Azure.WebJobs.QueueTriggerAttribute>()!.QueueName;
        Assert.Equal(queue, webJobs);
    }
}
