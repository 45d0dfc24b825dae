using System.Security.Cryptography;
using System.Text;
using ServerlessNews.Articles;
using ServerlessNews.Index;

namespace ServerlessNews.Publishing;

/// <summary>
/// One delivery of a submission (a webhook call, an inbox file, a kill), and the names accepting it stores and
/// sends under. Everything is keyed by the delivery id, so a repeat of it stores and records nothing new.
/// </summary>
public sealed class Delivery
{
    public Delivery(ArticleSubmission submission, ReadOnlyMemory<byte> raw, string extension, string deliveryId, string source, DateTimeOffset receivedAt)
    {
        Submission = submission;
        Raw = raw;
        Extension = extension;
        Key = KeyFor(deliveryId);
        BlobName = $"{submission.Id}/{submission.Revision:D19}-{Key[..16]}{extension}";
        Message = new PublishMessage(submission.Id, submission.Revision, BlobName);
        Record = new DeliveryRecord(Key, deliveryId, submission.Revision, BlobName, source, receivedAt);
    }

    public ArticleSubmission Submission { get; }

    /// <summary>The submission as delivered, stored as it came.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>".json" or ".md": how the stored submission is read back.</summary>
    public string Extension { get; }

    /// <summary>The hash of the delivery id; see <see cref="KeyFor"/>.</summary>
    public string Key { get; }

    /// <summary>The submission's name in <c>submissions</c>: derived from the delivery id, so a repeat finds it stored.</summary>
    public string BlobName { get; }

    public PublishMessage Message { get; }

    /// <summary>What the index records of the delivery, with the revision it brought.</summary>
    public DeliveryRecord Record { get; }

    /// <summary>Table keys may not contain '/', '\', '#', '?' or control characters; a hash has none.</summary>
    public static string KeyFor(string deliveryId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)));
}
