using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using ServerlessNews.Comments;
using ServerlessNews.Index;
using ServerlessNews.Moderation;
using ServerlessNews.Operations;
using ServerlessNews.Publishing;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Convergence;

/// <summary>
/// Storage for convergence tests: every listing, archive, feed, sitemap and related block kept small, so that a few
/// articles already cross their boundaries (a front page that overflows, an archive month split over pages, a sitemap
/// split into shards, related windows that overlap), comments that close after a day, and no flood window. Tests play
/// every trigger host themselves: the queues, and the site's timer.
/// </summary>
public sealed class ConvergenceFixture : StorageFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Refresh:FrontPageSize"] = "3";
        settings["Refresh:ArchivePageSize"] = "2";
        settings["Refresh:FeedItems"] = "3";
        settings["Refresh:SitemapShardSize"] = "2";
        settings["Refresh:NewsMaxUrls"] = "3";
        settings["Refresh:RelatedCount"] = "2";
        settings["Refresh:RelatedWindow"] = "2";
        settings["Refresh:SweepChunk"] = "3";
        settings["Comments:CloseAfterDays"] = "1";
        settings["Comments:FloodWindow"] = "00:00:00";
        settings["Comments:TrustForwardedFor"] = "true";
        return settings;
    }

    /// <summary>An empty site: every container, table and queue emptied, the clock where it is.</summary>
    public async Task ResetAsync()
    {
        foreach (var name in StorageNames.Containers)
        {
            var container = Container(name);
            await foreach (var blob in container.GetBlobsAsync())
            {
                await container.DeleteBlobIfExistsAsync(blob.Name);
            }
        }
        foreach (var name in StorageNames.Tables)
        {
            var table = Table(name);
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                rows.Add(row);
            }
            foreach (var partition in rows.GroupBy(r => r.PartitionKey))
            {
                foreach (var chunk in partition.Chunk(100))
                {
                    await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r)));
                }
            }
        }
        foreach (var name in StorageNames.Queues)
        {
            await Queue(name).ClearMessagesAsync();
        }
    }

    public Task<int> DrainModerateQueueAsync()
    {
        var moderator = Get<Moderator>();
        return DrainQueueAsync(StorageNames.ModerateQueue, m => moderator.HandleAsync(m.MessageText, CancellationToken.None));
    }

    /// <summary>Handles up to <paramref name="count"/> visible messages of a queue at once, as several instances would.</summary>
    public async Task<int> HandleConcurrentlyAsync(string queueName, int count)
    {
        var queue = Queue(queueName);
        var messages = (await queue.ReceiveMessagesAsync(maxMessages: count)).Value;
        await Task.WhenAll(messages.Select(m => Task.Run(() => HandleAsync(queueName, m))));
        foreach (var m in messages)
        {
            await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        }
        return messages.Length;
    }

    private Task HandleAsync(string queueName, QueueMessage message, IServiceProvider? services = null) => queueName switch
    {
        StorageNames.PublishQueue => Get<PublishingPipeline>(services).HandleAsync(message.MessageText, message.DequeueCount, CancellationToken.None),
        StorageNames.RefreshQueue => Get<SiteRefresher>(services).HandleAsync(message.MessageText, CancellationToken.None),
        _ => Get<Moderator>(services).HandleAsync(message.MessageText, CancellationToken.None),
    };

    private T Get<T>(IServiceProvider? services) where T : notnull => services is null ? Get<T>() : services.GetRequiredService<T>();

    /// <summary>
    /// Plays a host that retries: handles every visible message of a queue with <paramref name="services"/>; a message
    /// whose handler fails is made visible again at once, as a retry.
    /// </summary>
    /// <returns>How many handlings failed.</returns>
    public async Task<int> HandleRetryingAsync(IServiceProvider services, string queueName)
    {
        var queue = Queue(queueName);
        var failed = 0;
        while ((await queue.ReceiveMessagesAsync(maxMessages: 16, visibilityTimeout: TimeSpan.FromSeconds(30))).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                try
                {
                    await HandleAsync(queueName, message, services);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                catch (Exception e) when (e is RequestFailedException or AggregateException)
                {
                    failed++;
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                }
            }
        }
        return failed;
    }

    /// <summary>Whether any queue has a message (held embargoes aside) or any output waits for a refresh.</summary>
    public async Task<bool> IsQuietAsync()
    {
        foreach (var name in StorageNames.Queues)
        {
            if ((await Queue(name).PeekMessagesAsync(1)).Value.Length > 0)
            {
                return false;
            }
        }
        return !await Get<RefreshMarkers>().AnyPendingAsync(CancellationToken.None);
    }

    /// <summary>Plays every trigger until nothing is left to do: the timer, then each queue, until quiet.</summary>
    public async Task UntilQuietAsync()
    {
        for (var round = 0; round < 50; round++)
        {
            await Get<SiteMaintenance>().RunAsync(CancellationToken.None);
            await DrainPublishQueueAsync();
            await DrainModerateQueueAsync();
            await DrainRefreshQueueAsync();
            if (await IsQuietAsync())
            {
                return;
            }
        }
        throw new TimeoutException("The site did not become quiet in 50 rounds of every trigger.");
    }

    /// <summary>What a verify finds: every difference between <c>$web</c> and a clean build of the index.</summary>
    public Task<IReadOnlyList<SiteDifference>> VerifyAsync() => Get<SiteBuild>().VerifyAsync(null, parallelism: 4, CancellationToken.None);

    /// <summary>Posts a comment as the page's form would, as JSON, from its own address.</summary>
    public async Task<string?> PostCommentAsync(string articleId, string email, string text, int reader)
    {
        var context = new DefaultHttpContext();
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { articleId, name = "Reader " + reader, email, comment = text }));
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers["X-Forwarded-For"] = new StringValues($"198.51.100.{reader % 250 + 1}");
        var result = await Get<CommentIntakeHandler>().HandleAsync(context.Request, CancellationToken.None);
        var value = result.GetType().GetProperty("Value")?.GetValue(result);
        return value?.GetType().GetProperty("Id")?.GetValue(value) as string;
    }

    /// <summary>Erases a commenter, as a moderator does through the API.</summary>
    public async Task EraseCommenterAsync(string email)
    {
        var context = new DefaultHttpContext();
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { email }));
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers[ModerationApiHandler.KeyHeader] = ModerationKey;
        await Get<ModerationApiHandler>().CommentersAsync(context.Request, "erase", CancellationToken.None);
    }
}
