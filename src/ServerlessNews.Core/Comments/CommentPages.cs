using ServerlessNews.Site;

namespace ServerlessNews.Comments;

/// <summary>
/// Keeps an article's page in step with its approved comments when several decisions land at once. Every
/// change stamps the article after it is stored; a refresh reads the stamp, renders, and renders again if
/// the stamp moved meanwhile. Whichever render is written last, some refresh started after the last change.
/// </summary>
public sealed class CommentPages(CommentStore store, ArticlePageRefresh pages)
{
    private const int MaxRounds = 10;

    /// <summary>Call after the change is stored, before <see cref="RefreshAsync"/>.</summary>
    public Task ChangedAsync(string articleId, CancellationToken ct) => store.ChangePageStampAsync(articleId, ct);

    public async Task RefreshAsync(string articleId, CancellationToken ct)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var stamp = await store.GetPageStampAsync(articleId, ct);
            await pages.RefreshAsync(articleId, ct);
            if (await store.GetPageStampAsync(articleId, ct) == stamp)
            {
                return;
            }
        }
        // Still changing: the later changes refresh the page themselves.
    }
}
