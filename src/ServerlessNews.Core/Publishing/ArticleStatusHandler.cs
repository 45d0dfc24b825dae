using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Http;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Publishing;

/// <summary><c>GET /api/articles/{id}</c>: metadata, public URL and what became of each revision.</summary>
public sealed class ArticleStatusHandler(ArticleIndex index, IOptions<SiteOptions> site)
{
    public async Task<IResult> HandleAsync(string id, CancellationToken ct)
    {
        if (!SubmissionParser.IsValidArticleId(id))
        {
            return Problems.Validation(new() { ["id"] = ["Use 1 to 100 lowercase letters, digits and inner hyphens ([a-z0-9-])."] });
        }
        var article = await index.GetAsync(id, ct);
        var revisions = await index.GetRevisionsAsync(id, ct);
        if (article is null && revisions.Count == 0)
        {
            return Problems.NotFound($"No article with id '{id}' was ever accepted.");
        }
        var latest = revisions.FirstOrDefault();
        // The newest accepted revision decides what a CMS is told: it may still be on its way.
        var state = latest is not null && (article is null || latest.Revision > article.Revision) ? latest.State : article!.State;
        return TypedResults.Ok(new ArticleStatusReport(
            Id: id,
            State: state,
            Reason: latest?.Revision >= (article?.Revision ?? 0) ? latest.Reason : null,
            Revision: article?.Revision,
            Url: article is { State: ArticleStates.Published } ? site.Value.AbsoluteUrl(article.Path) : null,
            Path: article?.Path is { Length: > 0 } p ? p : null,
            Headline: article?.Headline,
            Section: article?.Section,
            Authors: article?.AuthorNames() ?? [],
            Tags: article?.TagNames() ?? [],
            PublishedAt: article?.PublishedAt,
            UpdatedAt: article?.UpdatedAt,
            Revisions: revisions.Select(r => new RevisionStatus(r.Revision, r.State, r.Reason, r.Source, r.ReceivedAt)).ToArray()));
    }
}

public sealed record RevisionStatus(long Revision, string State, string? Reason, string Source, DateTimeOffset ReceivedAt);

public sealed record ArticleStatusReport(
    string Id,
    string State,
    string? Reason,
    long? Revision,
    string? Url,
    string? Path,
    string? Headline,
    string? Section,
    IReadOnlyList<string> Authors,
    IReadOnlyList<string> Tags,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<RevisionStatus> Revisions);
