using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Http;

namespace ServerlessNews.Moderation;

/// <summary>
/// The moderation API's one credential: <c>Moderation__Key</c>, presented in the <c>x-functions-key</c> header or as
/// <c>Authorization: Bearer</c>. It is checked here, by the app, on every host: the moderation routes are anonymous to
/// the Functions host, so the same key works under the DevServer, Core Tools and in Azure (where it is generated at
/// provision and kept in Key Vault), with no host function key to create after a deploy. With no key configured
/// nothing passes: the API is never anonymous.
/// </summary>
public sealed class ModerationCredential(IOptions<ModerationOptions> options)
{
    public const string KeyHeader = "x-functions-key";
    private const string BearerPrefix = "Bearer ";

    /// <summary>Whether the request carries the configured key (compared in constant time).</summary>
    public bool IsPresented(HttpRequest request)
    {
        var key = options.Value.Key;
        var presented = Presented(request);
        if (key.Length == 0 || presented.Length == 0)
        {
            return false;
        }
        // Hashes first, so that the comparison takes the same time whatever the lengths.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    /// <summary>401 ProblemDetails unless the request carries the key; null when it does.</summary>
    public IResult? Refuse(HttpRequest request) =>
        options.Value.Key.Length == 0
            ? Problems.Status(StatusCodes.Status401Unauthorized, "No moderation key is configured.", "Set Moderation__Key; the moderation API is never anonymous.")
            : IsPresented(request)
                ? null
                : Problems.Status(StatusCodes.Status401Unauthorized, "A moderation key is required.",
                    $"Send the moderation key in the {KeyHeader} header (or as Authorization: Bearer).");

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
