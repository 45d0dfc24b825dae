using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Comments;

/// <summary>
/// Keyed hashes (HMAC-SHA256) of emails and IP addresses, and signed pending-comment tokens. A plain hash
/// of an email can be reversed by hashing a list of addresses; a keyed one cannot without the key.
/// </summary>
public sealed class CommentKeys(IOptions<CommentKeyOptions> options, TimeProvider time)
{
    private byte[]? _hashKey;
    private byte[]? _tokenKey;

    // Derived once: every comment hashes its email, address and text and signs a token.
    private byte[] HashKey => _hashKey ??= SubKey("commenter-hash");

    private byte[] TokenKey => _tokenKey ??= SubKey("pending-token");

    private byte[] SubKey(string purpose) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.HashKey), Encoding.UTF8.GetBytes(purpose));

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public string EmailHash(string email) => Hash("email:", NormalizeEmail(email));

    public string IpHash(string ip) => Hash("ip:", ip);

    /// <summary>The same commenter's same words: the text's words in lower case, one space apart.</summary>
    public string ContentHash(string emailHash, string text)
    {
        // As Hash("content:" + emailHash + ":" + string.Join(' ', text.Split(null, RemoveEmptyEntries)).ToLowerInvariant()),
        // without the intermediate strings: this runs on every comment.
        var buffer = ArrayPool<char>.Shared.Rent(text.Length * 2);
        try
        {
            var words = buffer.AsSpan(0, text.Length);
            var length = 0;
            var gap = false;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    gap = length > 0;
                    continue;
                }
                if (gap)
                {
                    words[length++] = ' ';
                    gap = false;
                }
                words[length++] = c;
            }
            var lower = buffer.AsSpan(text.Length, length);
            words[..length].ToLowerInvariant(lower);
            return Hash("content:" + emailHash + ":", lower);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private string Hash(string prefix, ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(prefix.Length + value.Length);
        byte[]? rented = null;
        Span<byte> bytes = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            // The prefix is ASCII, so encoding the two apart gives the bytes of their concatenation.
            var length = Encoding.UTF8.GetBytes(prefix, bytes);
            length += Encoding.UTF8.GetBytes(value, bytes[length..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(HashKey, bytes[..length], mac);
            return Convert.ToHexStringLower(mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>"articleId.commentId.expiry.signature" in URL-safe characters only.</summary>
    public string PendingToken(string articleId, string commentId, TimeSpan lifetime)
    {
        var expiry = time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var payload = $"{articleId}.{commentId}.{expiry}";
        return payload + "." + Sign(payload);
    }

    /// <returns>The article and comment ids, or null when the token is forged, malformed or expired.</returns>
    public (string ArticleId, string CommentId)? ReadPendingToken(string? token)
    {
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 4 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
        {
            return null;
        }
        var expected = Encoding.ASCII.GetBytes(Sign($"{parts[0]}.{parts[1]}.{parts[2]}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[3])) ||
            DateTimeOffset.FromUnixTimeSeconds(expiry) < time.GetUtcNow())
        {
            return null;
        }
        return (parts[0], parts[1]);
    }

    private string Sign(string payload) =>
        Base64Url(HMACSHA256.HashData(TokenKey, Encoding.UTF8.GetBytes(payload))[..16]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// A new comment id: 12 hex digits of Unix milliseconds then 8 random hex digits, so ids sort by time
    /// and an article's comments come back in order from one partition query.
    /// </summary>
    public string NewCommentId()
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        var ms = time.GetUtcNow().ToUnixTimeMilliseconds();
        return ms.ToString("x12", CultureInfo.InvariantCulture) + BinaryPrimitives.ReadUInt32BigEndian(random).ToString("x8", CultureInfo.InvariantCulture);
    }

    public static bool IsCommentId(string? id) =>
        id is { Length: 20 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
