using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessNews.Comments;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Site;
using ServerlessNews.Storage;

namespace ServerlessNews.Operations;

/// <summary>
/// When a host that runs the queue triggers starts, it queues again the work a killed host may have taken from the
/// queues and not finished: every output still waiting for a refresh (a change meanwhile only touches its marker),
/// every pending comment and every comment decided within a lease whose page was not yet current, every revision
/// accepted but not published, and every revision published or killed within a lease whose completion (what follows
/// the index) has not run (<see cref="Index.RevisionEntity.FollowedUp"/>). The queue listener holds a dequeued message
/// for <see cref="QueueLease"/>, so without this a crash left that work undone, such comments undecided and such
/// fronts stale, for ten minutes. The handlers are
/// idempotent (a duplicate refresh writes the same files again): a message queued here, or the held one when it comes
/// back, finds the work done. Best effort: the held messages still come back, and the site's timer queues stale
/// refreshes, if this start cannot reach storage. In Operations because it reaches into every area that queues work.
/// </summary>
public sealed partial class RecoveryAtStart(
    SiteRefreshScheduler refreshes, CommentStore comments, ArticleIndex articles, Submissions submissions, QueueServiceClient queues,
    TimeProvider time, ILogger<RecoveryAtStart> logger) : IHostedService
{
    /// <summary>How long the Functions (and WebJobs) queue listener keeps a message it took invisible, renewed while it runs.</summary>
    public static readonly TimeSpan QueueLease = TimeSpan.FromMinutes(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RequeueRefreshesAsync(cancellationToken);
        await RequeueCommentsAndRevisionsAsync(cancellationToken);
    }

    private async Task RequeueRefreshesAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await refreshes.RequeuePendingAsync(TimeSpan.Zero, cancellationToken) is var requeued and > 0)
            {
                LogRefreshesRequeued(requeued);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefreshesFailed(e);
        }
    }

    private async Task RequeueCommentsAndRevisionsAsync(CancellationToken cancellationToken)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued again {Outputs} outputs that were waiting for a refresh when this host started")]
    private partial void LogRefreshesRequeued(int outputs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue again the outputs waiting for a refresh at start; the site's timer will")]
    private partial void LogRefreshesFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued again at start the work a stopped host may have left unfinished: {Comments} comments, {Revisions} article revisions")]
    private partial void LogRequeued(int comments, int revisions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue again at start the unfinished comments and publishes; their held messages come back after the queue's lease")]
    private partial void LogFailed(Exception exception);
}
