using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Comments;

public static class CommentStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Held = "held";
    public const string Spam = "spam";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Pending, Approved, Held, Spam, Rejected];
}

/// <summary>
/// One comment. In the <c>comments</c> table it is stored twice (intake writes only the second; the moderator records
/// the first before deciding): the row of record
/// (PartitionKey = article id, RowKey = comment id, so an article's comments are one partition query in
/// time order) and a copy in its status partition (PartitionKey = "status|held", RowKey = comment id + "|" +
/// article id) so moderators list a status across articles without a table scan. Article ids never
/// contain '|', so the partitions cannot collide.
/// </summary>
public sealed class CommentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ArticleId { get; set; } = "";
    public string CommentId { get; set; } = "";
    public string? ParentId { get; set; }
    public int Depth { get; set; }
    public string AuthorName { get; set; } = "";
    public string? Website { get; set; }

    /// <summary>HMAC-SHA256 of the normalized email; the email itself is never stored.</summary>
    public string EmailHash { get; set; } = "";

    /// <summary>HMAC-SHA256 of the client address; the address itself is never stored.</summary>
    public string IpHash { get; set; } = "";

    /// <summary>The comment as written (limited Markdown); rendered and sanitized on every page render.</summary>
    public string Text { get; set; } = "";

    /// <summary>True when the hidden honeypot field came back filled (the value is not kept).</summary>
    public bool HoneypotFilled { get; set; }

    /// <summary>Identifies the same text from the same commenter, for the duplicate rule.</summary>
    public string ContentHash { get; set; } = "";

    public string Status { get; set; } = CommentStatus.Pending;
    public string? Rule { get; set; }
    public string? Evidence { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }

    /// <summary>False while a status change still has to reach the article page (set after the re-render).</summary>
    public bool PageCurrent { get; set; }

    public static string StatusPartition(string status) => "status|" + status;

    public static string StatusRowKey(string articleId, string commentId) => commentId + "|" + articleId;

    public CommentEntity CopyFor(string partitionKey, string rowKey)
    {
        var copy = (CommentEntity)MemberwiseClone();
        copy.PartitionKey = partitionKey;
        copy.RowKey = rowKey;
        copy.ETag = default;
        copy.Timestamp = null;
        return copy;
    }

    public CommentEntity IndexRow() => CopyFor(StatusPartition(Status), StatusRowKey(ArticleId, CommentId));

    /// <summary>False for a comment read from its pending index row because it has no row of record yet.</summary>
    [System.Runtime.Serialization.IgnoreDataMember]
    public bool Recorded { get; private set; } = true;

    /// <summary>A pending index row as the row of record it stands for, until the moderator records it.</summary>
    public CommentEntity AcceptedCopy()
    {
        var copy = CopyFor(ArticleId, CommentId);
        copy.Recorded = false;
        return copy;
    }
}

/// <summary>
/// The <c>commenters</c> table, PartitionKey = keyed email hash: a row per comment ("c|article|comment", written
/// by the moderator) for the previously-approved fast path, export and erasure, and a "flood" row with the last
/// comment the moderation pipeline let through. Flood rows for IP addresses live in partition "ip|" + keyed IP
/// hash, and the time a commenter was erased in "erased|" + keyed email hash.
/// </summary>
public sealed class CommenterRef : ITableEntity
{
    public const string RowPrefix = "c|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ArticleId { get; set; } = "";
    public string CommentId { get; set; } = "";
    public string Status { get; set; } = CommentStatus.Pending;

    /// <summary>The name the comment was posted under, for the previously-approved fast path (null in older rows).</summary>
    public string? AuthorName { get; set; }

    public static string RowKeyFor(string articleId, string commentId) => RowPrefix + articleId + "|" + commentId;
}

/// <summary>The <c>moderate</c> queue message.</summary>
public sealed record ModerateMessage(string ArticleId, string CommentId)
{
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, CommentsJsonContext.Default.ModerateMessage);
}
