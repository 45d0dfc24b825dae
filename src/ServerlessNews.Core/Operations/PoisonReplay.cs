using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using ServerlessNews.Storage;

namespace ServerlessNews.Operations;

/// <summary>
/// Moves messages from a queue's <c>-poison</c> twin back onto the queue, after an operator has fixed
/// what made them fail. Safe to repeat: every handler is idempotent.
/// </summary>
public sealed partial class PoisonReplay(QueueServiceClient queues, ILogger<PoisonReplay> logger)
{
    public async Task<int> ReplayAsync(string queueName, CancellationToken ct)
    {
        if (!StorageNames.Queues.Contains(queueName))
        {
            throw new ArgumentException($"Unknown queue '{queueName}'. Use one of: {string.Join(", ", StorageNames.Queues)}.", nameof(queueName));
        }
        var poison = queues.GetQueueClient(queueName + "-poison");
        var target = queues.GetQueueClient(queueName);
        if (!await poison.ExistsAsync(ct))
        {
            return 0;
        }
        var replayed = 0;
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(1), cancellationToken: ct)).Value;
            if (batch.Length == 0)
            {
                break;
            }
            foreach (var message in batch)
            {
                // Send first, then delete: a crash in between replays the message twice, never zero times.
                await target.SendMessageAsync(message.Body, cancellationToken: ct);
                await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                replayed++;
            }
        }
        LogReplayed(replayed, queueName);
        return replayed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} poison messages onto {Queue}")]
    private partial void LogReplayed(int count, string queue);
}
