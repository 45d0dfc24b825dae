using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Webhooks;

/// <summary>
/// The key to one article's full status (<c>GET /api/articles/{id}</c> with <c>x-status-key</c>): base64url of
/// HMAC-SHA256 over <c>"article-status:" + id</c> with the webhook secret. Every webhook and kill answer carries it,
/// and a CMS holding the secret can compute it. Bound to the article, so it opens no other; not a signature over a
/// request, so it can sit in a CMS's job record. Without it the endpoint shows only what a published page shows.
/// </summary>
public sealed class ArticleStatusKeys(IOptions<WebhookOptions> options)
{
    public const string Header = "x-status-key";

    private readonly byte[][] _secrets = StandardWebhookVerifier.ParseSecrets(options.Value.Secret);

    /// <summary>The key handed out, from the last secret listed (the new one while rotating); empty when none is configured.</summary>
    public string For(string articleId) => _secrets.Length == 0 ? "" : Compute(_secrets[^1], articleId);

    /// <summary>Null when the request sends no key; otherwise whether it is this article's under any configured secret.</summary>
    public bool? Check(HttpRequest request, string articleId)
    {
        var presented = request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return null;
        }
        var given = Encoding.ASCII.GetBytes(presented);
        return _secrets.Any(secret => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, articleId)), given));
    }

    public static string Compute(byte[] secret, string articleId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("article-status:" + articleId)));
}
