using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Moderation;

namespace ServerlessNews.Functions;

/// <summary>A commenter's data by email (GDPR): export it, or erase it everywhere and re-render the pages it was on.</summary>
public sealed class ModerationCommenters(ModerationApiHandler handler)
{
    [Function(nameof(ModerationCommenters))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "moderation/commenters/{action}")] HttpRequest request,
        string action,
        CancellationToken cancellationToken) =>
        handler.CommentersAsync(request, action, cancellationToken);
}
