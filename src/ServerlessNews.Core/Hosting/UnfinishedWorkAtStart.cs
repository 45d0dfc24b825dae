using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessNews.Comments;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Hosting;

/// <summary>
/// When a host that runs the queue triggers starts, it queues again the work a killed host may have taken from the
/// queues and not finished: every pending comment and every comment decided within a lease whose page was not yet
/// current, every revision accepted but not published, and every revision published or killed within a lease
/// (what follows the index). The queue listener holds a dequeued message for <see cref="QueueLease"/>, so without
/// this a crash left that work undone, and such comments undecided, for ten minutes. Both handlers are idempotent:
/// a message queued here, or the held one when it comes back, finds the work done and does nothing more. Best
/// effort: the held messages still come back if this start cannot reach storage.
/// </summary>
public sealed partial class UnfinishedWorkAtStart(
    CommentStore comments, ArticleIndex articles, Submissions submissions, QueueServiceClient queues, TimeProvider time,
    ILogger<UnfinishedWorkAtStart> logger) : IHostedService
{
    /// <summary>How long the Functions (and WebJobs) queue listener keeps a message it took invisible, renewed while it runs.</summary>
    public static readonly TimeSpan QueueLease = TimeSpan.FromMinutes(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A minute's margin for clocks and for a write just before the lease was last renewed.
        var since = time.GetUtcNow() - QueueLease - TimeSpan.FromMinutes(1);
        try
        {
            var moderate = queues.GetQueueClient(StorageNames.ModerateQueue);
            var unmoderated = await comments.UnfinishedAsync(since, cancellationToken);
            foreach (var message in unmoderated)
            {
                await moderate.SendMessageAsync(message.ToJson(), cancellationToken);
            }
            var revisions = 0;
            await foreach (var revision in articles.UnfinishedRevisionsAsync(since, cancellationToken))
            {
                // A revision recorded by its publish alone names no submission; its own message is the only way.
                if (revision.Submission.Length > 0)
                {
                    await submissions.QueueAgainAsync(new PublishMessage(revision.PartitionKey, revision.Revision, revision.Submission), TimeSpan.Zero, cancellationToken);
                    revisions++;
                }
            }
            if (unmoderated.Count + revisions > 0)
            {
                LogRequeued(unmoderated.Count, revisions);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued again at start the work a stopped host may have left unfinished: {Comments} comments, {Revisions} article revisions")]
    private partial void LogRequeued(int comments, int revisions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue again at start the unfinished comments and publishes; their held messages come back after the queue's lease")]
    private partial void LogFailed(Exception exception);
}
