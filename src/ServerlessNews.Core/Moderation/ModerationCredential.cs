using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Http;

namespace ServerlessNews.Moderation;

/// <summary>
/// The moderation API's one credential: <c>Moderation__Key</c>, presented in the <c>x-functions-key</c> header or as
/// <c>Authorization: Bearer</c>. It is checked here, by the app, on every host: the moderation routes are anonymous to
/// the Functions host, so the same key works under the DevServer, Core Tools and in Azure (where it is generated at
/// provision and kept in Key Vault), with no host function key to create after a deploy. With no key configured
/// nothing passes: the API is never anonymous. The console's signed session cookie (<see cref="ModerationSession"/>),
/// got by typing the same key once, passes too; with it, a request that changes something also needs the session's
/// CSRF token in the <c>x-csrf-token</c> header. Wrong keys are counted per client address (<see cref="KeyAttempts"/>).
/// </summary>
public sealed class ModerationCredential(
    IOptions<ModerationOptions> options, IOptions<CommentOptions> comments, KeyAttempts attempts, TimeProvider? time = null)
{
    public ModerationSession Sessions { get; } = new(options, time ?? TimeProvider.System);

    public const string KeyHeader = "x-functions-key";
    private const string BearerPrefix = "Bearer ";

    /// <summary>Whether the request carries the configured key (compared in constant time).</summary>
    public bool IsPresented(HttpRequest request) => Matches(Presented(request));

    /// <summary>Whether <paramref name="presented"/> is the configured key (compared in constant time); never when none is configured.</summary>
    public bool Matches(string presented)
    {
        var key = options.Value.Key;
        if (key.Length == 0 || presented.Length == 0)
        {
            return false;
        }
        // Hashes first, so that the comparison takes the same time whatever the lengths.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    /// <summary>
    /// Checks a key a client presented: a wrong one is counted against its address, and an address that presented too
    /// many is refused whatever it presents until <see cref="KeyCheck.RetryAfter"/>.
    /// </summary>
    public KeyCheck Check(HttpRequest request, string presented)
    {
        if (presented.Length == 0)
        {
            return new(false, null);
        }
        var address = ClientAddress.BucketOf(request, comments.Value.TrustForwardedFor);
        if (attempts.Blocked(address) is { } retryAfter)
        {
            return new(false, retryAfter);
        }
        if (Matches(presented))
        {
            return new(true, null);
        }
        attempts.Failed(address);
        return new(false, null);
    }

    /// <summary>401 ProblemDetails unless the request carries the key (429 after too many wrong ones); null when it does.</summary>
    public IResult? Refuse(HttpRequest request)
    {
        if (options.Value.Key.Length == 0)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "No moderation key is configured.", "Set Moderation__Key; the moderation API is never anonymous.");
        }
        var check = Check(request, Presented(request));
        if (check.RetryAfter is { } retryAfter)
        {
            return TooManyWrongKeys(request, retryAfter);
        }
        if (check.Matches)
        {
            return null;
        }
        if (Sessions.Read(request) is not { } session)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "A moderation key is required.",
                $"Send the moderation key in the {KeyHeader} header (or as Authorization: Bearer), or sign in at {ModerationSession.CookiePath}.");
        }
        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || ModerationSession.IsOwnRequest(request, session)
            ? null
            : ForgedRequest();
    }

    /// <summary>429 with Retry-After: the address presented too many wrong keys.</summary>
    public static IResult TooManyWrongKeys(HttpRequest request, TimeSpan retryAfter)
    {
        var seconds = Problems.SetRetryAfter(request, retryAfter);
        return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many wrong moderation keys.",
            $"This address presented too many wrong keys; try again in {seconds} seconds.");
    }

    /// <summary>403: a request made with a session cookie but without its CSRF token, or from another site.</summary>
    public static IResult ForgedRequest() =>
        Problems.Status(StatusCodes.Status403Forbidden, "The request did not come from the moderation console.",
            $"A change made with the console's session needs its CSRF token (the {ModerationSession.CsrfHeader} header or the form's {ModerationSession.CsrfField} field); nothing was changed.");

    private static string Presented(HttpRequest request)
    {
        var header = request.Headers[KeyHeader].ToString();
        if (header.Length > 0)
        {
            return header;
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? authorization[BearerPrefix.Length..].Trim() : "";
    }
}

/// <summary>Whether a presented key is the moderation key, or, after too many wrong ones from its address, when to try again.</summary>
public readonly record struct KeyCheck(bool Matches, TimeSpan? RetryAfter);
