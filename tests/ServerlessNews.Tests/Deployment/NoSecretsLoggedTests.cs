using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Deployment;

/// <summary>The DevServer with every log line, at every level, kept for inspection.</summary>
public sealed class LogCapturingFixture : CommentsFixture
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter(_ => true);
        builder.Services.AddSingleton<ILoggerProvider>(new CapturingProvider(Lines));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception} " +
                (state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : ""));
    }
}

public sealed class NoSecretsLoggedTests(LogCapturingFixture server) : IClassFixture<LogCapturingFixture>
{
    [Fact]
    public async Task No_secret_signature_key_or_email_reaches_the_logs_at_any_level()
    {
        var delivery = Webhook.SignedDelivery(TestArticles.Valid("logged-article"));
        var signature = delivery.Headers.GetValues("webhook-signature").Single();
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(delivery)).StatusCode);
        var forged = Webhook.SignedDelivery(TestArticles.Valid("logged-article"), secret: "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldCE=");
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(forged)).StatusCode);

        await server.PublishAsync("logged-comments");
        var reader = server.NewReader();
        var comment = await server.PostAsync("logged-comments", "A reader's view.", email: reader.Email);
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync("logged-comments", comment, "approve");
        var erase = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/erase", new { email = reader.Email }));
        Assert.True(erase.IsSuccessStatusCode);

        var logs = string.Join("\n", server.Lines);
        Assert.Contains("logged-article", logs, StringComparison.Ordinal); // the logs do describe the work
        foreach (var secret in new[]
        {
            StorageFixture.Secret, StorageFixture.Secret["whsec_".Length..], signature, signature["v1,".Length..],
            CommentsFixture.ModerationKey, reader.Email,
        })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
