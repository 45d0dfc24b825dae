using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Http;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary><c>POST /api/articles</c>: the CMS webhook, signed with Standard Webhooks.</summary>
public sealed class ArticleWebhookHandler(
    StandardWebhookVerifier verifier, WebhookDeliveries deliveries, PublishingPipeline publishing, ArticleStatusKeys statusKeys,
    IOptions<WebhookOptions> options)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var limit = options.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }
        if (!RequestBody.HasMediaType(request, "application/json"))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                "Send the article as 'Content-Type: application/json' (UTF-8).");
        }
        var body = await RequestBody.ReadLimitedAsync(request, limit, ct);
        if (body is null)
        {
            return TooLarge(limit);
        }

        var id = request.Headers["webhook-id"].ToString();
        var check = verifier.Verify(request, body);
        if (check != SignatureCheck.Valid)
        {
            return StandardWebhookVerifier.Unauthorized(check);
        }

        var parsed = SubmissionParser.ParseJson(body);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }
        var submission = parsed.Submission!;
        if (await deliveries.ClaimAsync(id, "submit " + submission.Id, body, ct) == DeliveryClaim.Conflict)
        {
            return WebhookDeliveries.Conflict();
        }
        var statusUrl = $"/api/articles/{submission.Id}";
        var deliveryId = "webhook:" + id;
        if (!await publishing.AcceptAndPublishAsync(publishing.NewDelivery(submission, body, ".json", deliveryId, "webhook " + id), ct))
        {
            return TypedResults.Ok(new AcceptedArticle(submission.Id, submission.Revision, "duplicate", statusUrl, statusKeys.For(submission.Id)));
        }
        return TypedResults.Accepted(statusUrl, new AcceptedArticle(submission.Id, submission.Revision, "accepted", statusUrl, statusKeys.For(submission.Id)));
    }

    private static IResult TooLarge(int limit) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.",
            $"The limit is {limit} bytes (setting Webhooks__MaxBodyBytes).");
}

/// <param name="StatusKey">Sent as <c>x-status-key</c> to the status URL, for the article's full status (<see cref="ArticleStatusKeys"/>).</param>
public sealed record AcceptedArticle(string Id, long Revision, string Status, string StatusUrl, string StatusKey);
