using Microsoft.Extensions.Options;
using ServerlessNews.Http;
using ServerlessNews.Moderation;

namespace ServerlessNews.DevServer;

/// <summary>
/// Plays the Functions host's function-key check for AuthorizationLevel.Function routes: the
/// <c>x-functions-key</c> header must match <c>Moderation:Key</c>, and with no key configured nothing passes.
/// </summary>
public sealed class FunctionKeyFilter(IOptions<ModerationOptions> options, ModerationApiHandler handler) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (options.Value.Key.Length == 0)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "No moderation key is configured.",
                "Set Moderation__Key; the moderation API is never anonymous.");
        }
        return handler.Refuse(context.HttpContext.Request) ?? await next(context);
    }
}
