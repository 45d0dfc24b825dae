using System.ComponentModel.DataAnnotations;

namespace ServerlessNews.Comments;

/// <summary>
/// The secret of <see cref="CommentKeys"/>: the keyed hashes of emails and IP addresses, and the pending-comment
/// tokens. Not bound from a section of its own: moderation sets it from its settings (Moderation__HashKey, or
/// derived from Moderation__Key), the operator's single place for the commenters' keys.
/// </summary>
public sealed class CommentKeyOptions
{
    [Required(ErrorMessage = "Comments need the keyed-hash secret: register moderation, which sets it from Moderation__HashKey or Moderation__Key.")]
    public string HashKey { get; set; } = "";
}
