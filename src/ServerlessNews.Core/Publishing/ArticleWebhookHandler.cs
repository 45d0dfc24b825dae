using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Http;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary><c>POST /api/articles</c>: the CMS webhook, signed with Standard Webhooks.</summary>
public sealed class ArticleWebhookHandler(
    StandardWebhookVerifier verifier, ArticleIngest ingest, Publisher publisher, IOptions<WebhookOptions> options)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct) => Problems.GuardAsync(async () =>
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
        var check = verifier.Verify(id, request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body);
        if (check != SignatureCheck.Valid)
        {
            return Unauthorized(check);
        }

        var parsed = SubmissionParser.ParseJson(body);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }
        var submission = parsed.Submission!;
        var statusUrl = $"/api/articles/{submission.Id}";
        var deliveryId = "webhook:" + id;
        var accepted = await ingest.IsKnownDeliveryAsync(deliveryId, ct)
            ? null
            : await ingest.AcceptAsync(submission, body, ".json", deliveryId, "webhook " + id, ct);
        if (accepted is not { Outcome: IngestOutcome.Accepted })
        {
            return TypedResults.Ok(new AcceptedArticle(submission.Id, submission.Revision, "duplicate", statusUrl));
        }
        if (options.Value.PublishInline)
        {
            await publisher.TryPublishNowAsync(accepted.Message, submission, ct);
        }
        return TypedResults.Accepted(statusUrl, new AcceptedArticle(submission.Id, submission.Revision, "accepted", statusUrl));
    });

    private static IResult TooLarge(int limit) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.",
            $"The limit is {limit} bytes (setting Webhooks__MaxBodyBytes).");

    private static IResult Unauthorized(SignatureCheck check) => Problems.Status(StatusCodes.Status401Unauthorized, "The webhook signature was not accepted.", check switch
    {
        SignatureCheck.MissingHeaders => "Send the webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks).",
        SignatureCheck.BadTimestamp => "webhook-timestamp must be Unix seconds.",
        SignatureCheck.StaleTimestamp => "webhook-timestamp is more than 5 minutes from the server's clock; re-sign the delivery.",
        SignatureCheck.NotConfigured => "No webhook secret is configured (setting Webhooks__Secret).",
        _ => "No v1 signature matches any configured secret.",
    });
}

public sealed record AcceptedArticle(string Id, long Revision, string Status, string StatusUrl);
