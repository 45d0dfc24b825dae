using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Moderation;

/// <summary>
/// The console's sign-in: after a moderator types the moderation key once, a cookie carries a session, so the key
/// never sits in a URL or in the page. The cookie is stateless: an expiry and a random session id, signed with
/// HMAC-SHA256 under a key derived from <c>Moderation__Key</c> (changing the key signs every session out). It is
/// HttpOnly, SameSite=Strict, Secure over https, and scoped to <c>/api/moderation</c>. A request that changes
/// something with the cookie must also carry the session's CSRF token (an HMAC of the session id, so nothing is
/// stored), and must not come from another site by the browser's own <c>Sec-Fetch-Site</c>.
/// </summary>
public sealed class ModerationSession(IOptions<ModerationOptions> options, TimeProvider time)
{
    public const string CookieName = "moderation-session";
    public const string CookiePath = "/api/moderation";
    public const string CsrfField = "csrf";
    public const string CsrfHeader = "x-csrf-token";

    /// <summary>How long a sign-in lasts: a working day, then the key is asked again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>A signed-in session: its id, and the CSRF token its forms carry.</summary>
    public sealed record Session(string Id, string CsrfToken, DateTimeOffset ExpiresAt);

    private byte[] SigningKey => HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Key), "moderation-console-session-v1"u8);

    /// <summary>Starts a session: sets its cookie on the response.</summary>
    public Session Start(HttpContext context)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var expiresAt = time.GetUtcNow().Add(Lifetime);
        var payload = id + "." + expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Cookies.Append(CookieName, payload + "." + Sign("session|" + payload), CookieOptions(context.Request, expiresAt));
        return new Session(id, Sign("csrf|" + id), expiresAt);
    }

    /// <summary>Ends the session in this browser (the cookie is stateless: rotating the key ends every session).</summary>
    public static void End(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, CookieOptions(context.Request, DateTimeOffset.UnixEpoch));

    /// <summary>The session the request's cookie carries, or null when it is missing, forged or expired.</summary>
    public Session? Read(HttpRequest request)
    {
        if (options.Value.Key.Length == 0 || request.Cookies[CookieName] is not { Length: > 0 and < 200 } cookie)
        {
            return null;
        }
        var parts = cookie.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }
        var payload = parts[0] + "." + parts[1];
        if (!Equal(parts[2], Sign("session|" + payload)))
        {
            return null;
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expires);
        return expiresAt > time.GetUtcNow() ? new Session(parts[0], Sign("csrf|" + parts[0]), expiresAt) : null;
    }

    /// <summary>
    /// Whether a state-changing request made with <paramref name="session"/>'s cookie is the console's own: it carries
    /// the session's CSRF token (in <see cref="CsrfHeader"/>, or the form's <see cref="CsrfField"/>; compared in
    /// constant time) and no browser marked it as coming from another site.
    /// </summary>
    public static bool IsOwnRequest(HttpRequest request, Session session, string? formToken = null)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return false;
        }
        var token = request.Headers[CsrfHeader].ToString();
        return Equal(token.Length > 0 ? token : formToken ?? "", session.CsrfToken);
    }

    private string Sign(string value) => Base64Url.EncodeToString(HMACSHA256.HashData(SigningKey, Encoding.UTF8.GetBytes(value)));

    private static bool Equal(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static CookieOptions CookieOptions(HttpRequest request, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        // Behind App Service's or Front Door's TLS termination the app may see http: the proxies say https.
        Secure = request.IsHttps || request.Headers["X-Forwarded-Proto"].ToString().Equals("https", StringComparison.OrdinalIgnoreCase),
        SameSite = SameSiteMode.Strict,
        Path = CookiePath,
        Expires = expires,
        IsEssential = true,
    };
}
