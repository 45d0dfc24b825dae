using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// A comment classifier on loopback for the hosts under test (<c>Moderation__Classifier = http</c>): it answers "ok"
/// (no opinion, so moderation goes on as without one) unless <see cref="Stall"/>ed, when it keeps every request
/// waiting. A stalled classifier is how a test holds comments dequeued but unfinished when it kills the host.
/// </summary>
public sealed class StallingClassifier : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource _released = NewRelease(completed: true);
    private int _stalled;

    private StallingClassifier(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    /// <summary>How many requests arrived while stalled.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    public static async Task<StallingClassifier> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var classifier = new StallingClassifier(app);
        app.MapPost("/", (CancellationToken aborted) => classifier.ClassifyAsync(aborted));
        await app.StartAsync();
        classifier.Endpoint = app.Urls.Single() + "/";
        return classifier;
    }

    public void Stall()
    {
        Interlocked.Exchange(ref _stalled, 0);
        _released = NewRelease(completed: false);
    }

    public void Release() => _released.TrySetResult();

    private async Task<IResult> ClassifyAsync(CancellationToken aborted)
    {
        var released = _released.Task;
        if (!released.IsCompleted)
        {
            Interlocked.Increment(ref _stalled);
            await released.WaitAsync(aborted);
        }
        return Results.Json(new { verdict = "ok" });
    }

    private static TaskCompletionSource NewRelease(bool completed)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            release.SetResult();
        }
        return release;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }
}
