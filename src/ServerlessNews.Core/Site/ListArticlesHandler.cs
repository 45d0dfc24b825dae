using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Http;
using ServerlessNews.Index;
using ServerlessNews.Rendering;

namespace ServerlessNews.Site;

/// <summary>
/// <c>GET /api/articles?section=|tag=|author=&amp;pageSize=&amp;continuation=</c>: one listing, newest first,
/// one partition query per page. At most one of section, tag and author; none lists the whole site.
/// </summary>
public sealed class ListArticlesHandler(ListingIndex listings, IOptions<SiteOptions> site)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    private const int MaxFilterLength = 200;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var filters = new[] { ListingRef.SectionKind, ListingRef.TagKind, ListingRef.AuthorKind }
            .Where(name => request.Query.ContainsKey(name))
            .ToList();
        foreach (var name in filters)
        {
            var value = request.Query[name].ToString();
            if (request.Query[name].Count != 1 || value.Trim().Length == 0 || value.Length > MaxFilterLength)
            {
                errors[name] = [$"Give one non-empty value of at most {MaxFilterLength} characters (a name or its slug)."];
            }
        }
        if (filters.Count > 1)
        {
            foreach (var name in filters)
            {
                errors[name] = [.. errors.GetValueOrDefault(name, []), "Filter by at most one of section, tag and author."];
            }
        }
        var pageSize = DefaultPageSize;
        if (request.Query.TryGetValue("pageSize", out var sizeText) &&
            (!int.TryParse(sizeText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            errors["pageSize"] = [$"Use a whole number from 1 to {MaxPageSize}."];
        }
        string? continuation = null;
        if (request.Query.TryGetValue("continuation", out var token) && !TryDecode(token.ToString(), out continuation))
        {
            errors["continuation"] = ["Pass back the continuation value of the previous page unchanged."];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "One or more query parameters are invalid.");
        }

        var listing = filters.Count == 0 ? ListingRef.Home : filters[0] switch
        {
            ListingRef.SectionKind => ListingRef.Section(request.Query[filters[0]].ToString()),
            ListingRef.TagKind => ListingRef.Tag(request.Query[filters[0]].ToString()),
            _ => ListingRef.Author(request.Query[filters[0]].ToString()),
        };
        IReadOnlyList<ListingEntity> rows;
        string? next;
        try
        {
            (rows, next) = await listings.PageAsync(listing.Key, continuation, pageSize, ct);
        }
        catch (RequestFailedException e) when (e.Status == 400)
        {
            return Problems.Validation(new() { ["continuation"] = ["The continuation is not valid for this listing."] });
        }
        return TypedResults.Ok(new ArticleListing(
            listing.Key,
            rows.Select(ToItem).ToArray(),
            next is null ? null : Encode(next)));
    }

    private ArticleListItem ToItem(ListingEntity row) => new(
        row.ArticleId,
        row.Headline,
        row.Summary,
        site.Value.AbsoluteUrl(row.Path),
        row.Path,
        row.Section,
        row.AuthorNames(),
        row.TagNames(),
        row.PublishedAt,
        row.UpdatedAt);

    /// <summary>The Table service's token travels base64url-encoded, so it is one opaque, URL-safe value.</summary>
    private static string Encode(string token) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token));

    private static bool TryDecode(string value, out string? token)
    {
        token = null;
        if (value.Length is 0 or > 2048)
        {
            return false;
        }
        try
        {
            token = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
            return token.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

public sealed record ArticleListItem(
    string Id,
    string Headline,
    string? Summary,
    string Url,
    string Path,
    string Section,
    IReadOnlyList<string> Authors,
    IReadOnlyList<string> Tags,
    DateTimeOffset PublishedAt,
    DateTimeOffset? UpdatedAt);

public sealed record ArticleListing(string Listing, IReadOnlyList<ArticleListItem> Items, string? Continuation);
