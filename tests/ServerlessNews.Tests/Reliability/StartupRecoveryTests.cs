using System.Text;
using ServerlessNews.Articles;
using ServerlessNews.Index;
using ServerlessNews.Operations;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

/// <summary>What a host's start queues again (<see cref="RecoveryAtStart"/>): the unfinished work, and no more.</summary>
public sealed class StartupRecoveryTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task A_start_queues_again_the_revisions_left_unfinished_and_not_those_whose_follow_ups_ran()
    {
        var since = DateTimeOffset.UtcNow - RecoveryAtStart.QueueLease;
        // Published through its message, follow-ups and all: finished.
        await storage.SubmitAsync(TestArticles.Valid("recovery-finished"));
        await storage.DrainPublishQueueAsync();
        // Accepted, and its message held by a host that died: never published.
        await storage.SubmitAsync(TestArticles.Valid("recovery-accepted"));
        // Published in the webhook's request, and its message (which runs the follow-ups) held by that host.
        var raw = Encoding.UTF8.GetBytes(TestArticles.Valid("recovery-inline").ToJsonString());
        var publishing = storage.Get<PublishingPipeline>();
        Assert.True(await publishing.AcceptAndPublishAsync(
            publishing.NewDelivery(SubmissionParser.ParseJson(raw).Submission!, raw, ".json", "test:recovery-inline", "test"), CancellationToken.None));
        Assert.Equal(ArticleStates.Published, (await storage.Get<ArticleIndex>().GetAsync("recovery-inline", CancellationToken.None))?.State);
        await storage.Queue(StorageNames.PublishQueue).ClearMessagesAsync();

        var unfinished = new List<string>();
        await foreach (var revision in storage.Get<ArticleIndex>().UnfinishedRevisionsAsync(since, CancellationToken.None))
        {
            unfinished.Add(revision.PartitionKey);
        }

        Assert.Contains("recovery-accepted", unfinished);
        Assert.Contains("recovery-inline", unfinished);
        Assert.DoesNotContain("recovery-finished", unfinished);
    }
}
