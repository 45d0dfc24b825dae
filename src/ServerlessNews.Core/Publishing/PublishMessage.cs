namespace ServerlessNews.Publishing;

/// <summary>The <c>publish</c> queue message: which stored submission to publish.</summary>
public sealed record PublishMessage(string ArticleId, long Revision, string Submission);
