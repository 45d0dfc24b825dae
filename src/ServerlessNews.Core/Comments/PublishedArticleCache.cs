using System.Collections.Concurrent;
using ServerlessNews.Index;
using ServerlessNews.Publishing;

namespace ServerlessNews.Comments;

/// <summary>
/// The articles that take comments, as this instance last read them, for at most <see cref="Lifetime"/>: only
/// published articles are kept, so an unknown or unpublished id is read from the table every time. An article
/// killed on another instance within that time still gets comments here; the moderation pipeline's article rule
/// rejects them. A change published on this instance drops the article at once.
/// </summary>
public sealed class PublishedArticleCache(ArticleIndex articles, TimeProvider time) : IArticleStateObserver
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ArticleEntity Article, long ExpiresAt)> _published = new(StringComparer.Ordinal);

    /// <returns>The article when it is published, else null.</returns>
    public async Task<ArticleEntity?> GetPublishedAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_published.TryGetValue(id, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Article;
        }
        var article = await articles.GetAsync(id, ct);
        if (article is not { State: ArticleStates.Published })
        {
            _published.TryRemove(id, out _);
            return null;
        }
        if (_published.Count >= MaxEntries)
        {
            foreach (var (key, entry) in _published)
            {
                if (entry.ExpiresAt <= now)
                {
                    _published.TryRemove(key, out _);
                }
            }
            if (_published.Count >= MaxEntries)
            {
                _published.Clear();
            }
        }
        _published[id] = (article, now + Lifetime.Ticks);
        return article;
    }

    public Task ArticleChangedAsync(ArticleEntity article, CancellationToken ct)
    {
        _published.TryRemove(article.PartitionKey, out _);
        return Task.CompletedTask;
    }
}
