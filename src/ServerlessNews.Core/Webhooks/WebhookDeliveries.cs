using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using ServerlessNews.Http;
using ServerlessNews.Storage;

namespace ServerlessNews.Webhooks;

public enum DeliveryClaim
{
    /// <summary>The webhook-id was not seen before: it is now this delivery's.</summary>
    New,

    /// <summary>The same delivery again (same target, same signed body): a sender's retry.</summary>
    Repeat,

    /// <summary>The webhook-id belongs to another delivery.</summary>
    Conflict,
}

/// <summary>
/// Every webhook-id seen, site-wide (table <c>deliveries</c>, PartitionKey = hash of the id). A signed delivery
/// claims its id, with what it does ("kill harbour-bridge-reopens") and a hash of its signed body, before anything
/// is stored. The sender's retry finds its own claim and goes on (it is answered as a duplicate further on, or
/// finishes what a crash left undone); the same id on any other delivery, for any article or action, is refused.
/// Each article's partition records its deliveries too, for the transaction that indexes a publish.
/// </summary>
public sealed class WebhookDeliveries(TableServiceClient tables, TimeProvider time)
{
    private const string ClaimRow = "claim";

    private readonly TableClient _table = tables.GetTableClient(StorageNames.DeliveriesTable);

    public async Task<DeliveryClaim> ClaimAsync(string webhookId, string target, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId)));
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        var claim = new TableEntity(key, ClaimRow)
        {
            ["WebhookId"] = webhookId.Length > 200 ? webhookId[..200] : webhookId,
            ["Target"] = target,
            ["BodyHash"] = bodyHash,
            ["ReceivedAt"] = time.GetUtcNow(),
        };
        try
        {
            await _table.AddEntityAsync(claim, ct);
            return DeliveryClaim.New;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        var first = (await _table.GetEntityAsync<TableEntity>(key, ClaimRow, ["Target", "BodyHash"], ct)).Value;
        return first.GetString("Target") == target && first.GetString("BodyHash") == bodyHash ? DeliveryClaim.Repeat : DeliveryClaim.Conflict;
    }

    /// <summary>The 409 for a webhook-id that another delivery used.</summary>
    public static IResult Conflict() => Problems.Status(StatusCodes.Status409Conflict, "This webhook-id was used for another delivery.",
        "Each delivery needs a webhook-id of its own; one already seen is accepted again only for the same request with the same body (a retry). Nothing was stored.");
}
