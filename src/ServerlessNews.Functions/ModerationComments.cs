using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Moderation;

namespace ServerlessNews.Functions;

/// <summary>Moderators list comments by status, with the rule and evidence behind each verdict.</summary>
public sealed class ModerationComments(ModerationApiHandler handler)
{
    [Function(nameof(ModerationComments))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation/comments")] HttpRequest request,
        CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);
}
