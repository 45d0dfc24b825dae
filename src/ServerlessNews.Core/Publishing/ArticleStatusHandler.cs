using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Articles;
using ServerlessNews.Http;
using ServerlessNews.Index;
using ServerlessNews.Rendering;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Publishing;

/// <summary>
/// <c>GET /api/articles/{id}</c>: for the CMS, with the article's status key (<see cref="ArticleStatusKeys"/>), its
/// metadata, public URL and what became of each revision, reasons included. Anonymous, it is what the published
/// page shows and nothing more: an article that is not published (accepted, embargoed, killed, failed) is answered
/// exactly as one that never existed.
/// </summary>
public sealed class ArticleStatusHandler(ArticleIndex index, ArticleStatusKeys statusKeys, IOptions<SiteOptions> site)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct)
    {
        if (!SubmissionParser.IsValidArticleId(id))
        {
            return Problems.Validation(new() { ["id"] = ["Use 1 to 100 lowercase letters, digits and inner hyphens ([a-z0-9-])."] });
        }
        switch (statusKeys.Check(request, id))
        {
            case false:
                return Problems.Status(StatusCodes.Status401Unauthorized, "The status key was not accepted.",
                    $"{ArticleStatusKeys.Header} must be this article's key, as the webhook's answer gave it (statusKey).");
            case null:
                return await PublicAsync(id, ct);
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

    private async Task<IResult> PublicAsync(string id, CancellationToken ct)
    {
        var article = await index.GetAsync(id, ct);
        if (article is not { State: ArticleStates.Published })
        {
            return Problems.NotFound($"No published article has the id '{id}'. A CMS sends {ArticleStatusKeys.Header} for the state of every revision.");
        }
        return TypedResults.Ok(new PublicArticleStatus(
            Id: id,
            State: article.State,
            Url: site.Value.AbsoluteUrl(article.Path),
            Path: article.Path,
            Headline: article.Headline,
            Section: article.Section,
            Authors: article.AuthorNames(),
            Tags: article.TagNames(),
            PublishedAt: article.PublishedAt,
            UpdatedAt: article.UpdatedAt));
    }
}

/// <summary>What anyone may read of a published article: what its page shows.</summary>
public sealed record PublicArticleStatus(
    string Id,
    string State,
    string Url,
    string Path,
    string Headline,
    string Section,
    IReadOnlyList<string> Authors,
    IReadOnlyList<string> Tags,
    DateTimeOffset PublishedAt,
    DateTimeOffset? UpdatedAt);

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
