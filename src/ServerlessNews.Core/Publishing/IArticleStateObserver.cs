using ServerlessNews.Index;

namespace ServerlessNews.Publishing;

/// <summary>
/// Told in the pipeline's complete step, after an article's new state is stored (published, corrected, killed),
/// and again when a publish message is re-delivered, so that work lost in a crash is redone. Must be idempotent.
/// </summary>
public interface IArticleStateObserver
{
    Task ArticleChangedAsync(ArticleEntity article, CancellationToken ct);
}
