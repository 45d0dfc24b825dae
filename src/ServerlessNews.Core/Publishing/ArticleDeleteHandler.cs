using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Http;
using ServerlessNews.Index;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary>
/// <c>DELETE /api/articles/{id}</c>, signed like the webhook over a body that names the article and the action
/// (<see cref="KillRequest"/>), with a webhook-id no other delivery used (<see cref="WebhookDeliveries"/>): records a
/// kill as the article's next revision and queues it, exactly as a webhook with <c>status: killed</c> would.
/// </summary>
public sealed class ArticleDeleteHandler(
    StandardWebhookVerifier verifier, WebhookDeliveries deliveries, PublishingPipeline publishing, ArticleIndex index,
    ArticleStatusKeys statusKeys, IOptions<WebhookOptions> options)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct)
    {
        if (!SubmissionParser.IsValidArticleId(id))
        {
            return Problems.Validation(new() { ["id"] = ["Use 1 to 100 lowercase letters, digits and inner hyphens ([a-z0-9-])."] });
        }
        var body = await RequestBody.ReadLimitedAsync(request, options.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.", "A delete needs no body.");
        }
        var webhookId = request.Headers["webhook-id"].ToString();
        var check = verifier.Verify(request, body);
        if (check != SignatureCheck.Valid)
        {
            return StandardWebhookVerifier.Unauthorized(check);
        }
        var errors = new ValidationErrors();
        KillRequest.Check(body, id, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary(), "The signed body must name the article in the URL and the action; nothing was changed.");
        }

        var statusUrl = $"/api/articles/{id}";
        var current = await index.GetAsync(id, ct);
        var revisions = await index.GetRevisionsAsync(id, ct);
        if (current is null && revisions.Count == 0)
        {
            return Problems.NotFound($"No article with id '{id}' was ever accepted.");
        }
        if (await deliveries.ClaimAsync(webhookId, KillRequest.Action + " " + id, body, ct) == DeliveryClaim.Conflict)
        {
            return WebhookDeliveries.Conflict();
        }
        var deliveryId = "webhook:" + webhookId;
        if (await publishing.IsKnownDeliveryAsync(id, deliveryId, ct))
        {
            return TypedResults.Ok(new AcceptedArticle(id, 0, "duplicate", statusUrl, statusKeys.For(id)));
        }
        // The kill must outrank every revision seen so far, published or still queued.
        var revision = Math.Max(current?.Revision ?? 0, revisions.Count > 0 ? revisions.Max(r => r.Revision) : 0) + 1;
        var kill = new JsonObject { ["id"] = id, ["revision"] = revision, ["status"] = "killed" };
        var raw = Encoding.UTF8.GetBytes(kill.ToJsonString());
        var parsed = SubmissionParser.ParseJson(raw);
        if (!parsed.IsValid)
        {
            throw new InvalidOperationException("A kill submission must always validate: " + parsed.Errors);
        }
        if (!await publishing.AcceptAndPublishAsync(publishing.NewDelivery(parsed.Submission!, raw, ".json", deliveryId, "delete " + webhookId), ct))
        {
            return TypedResults.Ok(new AcceptedArticle(id, revision, "duplicate", statusUrl, statusKeys.For(id)));
        }
        return TypedResults.Accepted(statusUrl, new AcceptedArticle(id, revision, "accepted", statusUrl, statusKeys.For(id)));
    }
}
