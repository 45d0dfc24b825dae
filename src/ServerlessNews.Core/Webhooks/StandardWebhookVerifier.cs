using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Http;

namespace ServerlessNews.Webhooks;

public enum SignatureCheck
{
    Valid,
    MissingHeaders,
    BadTimestamp,
    StaleTimestamp,
    BadSignature,
    NotConfigured,
}

/// <summary>
/// Verifies Standard Webhooks signatures: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>,
/// with <c>whsec_</c> base64 secrets, several <c>v1,</c> signatures per header and several secrets per
/// setting so that either side can rotate without downtime.
/// </summary>
public sealed class StandardWebhookVerifier
{
    private const string SecretPrefix = "whsec_";
    private readonly byte[][] _keys;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _time;

    public StandardWebhookVerifier(IOptions<WebhookOptions> options, TimeProvider time)
    {
        _keys = ParseSecrets(options.Value.Secret);
        _tolerance = options.Value.Tolerance;
        _time = time;
    }

    public static byte[][] ParseSecrets(string secrets) =>
        secrets.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(DecodeSecret)
            .ToArray();

    public static byte[] DecodeSecret(string secret)
    {
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new FormatException("A webhook secret must be 'whsec_' followed by base64.", e);
        }
    }

    /// <summary>Verifies a request's Standard Webhooks headers against its raw body.</summary>
    public SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body) =>
        Verify(request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body);

    /// <summary>The 401 a sender gets, saying which check failed.</summary>
    public static IResult Unauthorized(SignatureCheck check) => Problems.Status(StatusCodes.Status401Unauthorized, "The webhook signature was not accepted.", check switch
    {
        SignatureCheck.MissingHeaders => "Send the webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks).",
        SignatureCheck.BadTimestamp => "webhook-timestamp must be Unix seconds.",
        SignatureCheck.StaleTimestamp => "webhook-timestamp is more than 5 minutes from the server's clock; re-sign the delivery.",
        SignatureCheck.NotConfigured => "No webhook secret is configured (setting Webhooks__Secret).",
        _ => "No v1 signature matches any configured secret.",
    });

    public SignatureCheck Verify(string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (_keys.Length == 0)
        {
            return SignatureCheck.NotConfigured;
        }
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return SignatureCheck.MissingHeaders;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.BadTimestamp;
        }
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > _tolerance.TotalSeconds)
        {
            return SignatureCheck.StaleTimestamp;
        }

        var signed = SignedContent(id, timestamp, body);
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in _keys)
        {
            HMACSHA256.HashData(key, signed, expected);
            foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (entry.StartsWith("v1,", StringComparison.Ordinal) &&
                    Convert.TryFromBase64String(entry[3..], given, out var written) &&
                    written == given.Length &&
                    CryptographicOperations.FixedTimeEquals(expected, given))
                {
                    return SignatureCheck.Valid;
                }
            }
        }
        return SignatureCheck.BadSignature;
    }

    /// <summary>The signature header value a sender would compute (used by tests, the README example and tools).</summary>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var signed = SignedContent(id, timestamp.ToString(CultureInfo.InvariantCulture), body);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(DecodeSecret(secret), signed));
    }

    private static byte[] SignedContent(string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return signed;
    }
}
