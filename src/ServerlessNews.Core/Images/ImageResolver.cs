using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using ServerlessNews.Articles;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;

namespace ServerlessNews.Images;

/// <summary>The manifests of the uploaded images one page shows, by name; null for an image without renditions (yet, or ever).</summary>
public sealed class ResolvedImages(IReadOnlyDictionary<string, ImageManifest?> manifests)
{
    public static readonly ResolvedImages None = new(new Dictionary<string, ImageManifest?>());

    public ImageManifest? Manifest(string name) => manifests.GetValueOrDefault(name);
}

/// <summary>
/// Before an article page renders: records which uploaded images it uses, then reads their manifests (once per
/// <see cref="RenderScope"/>). An article without uploaded images costs nothing here.
/// </summary>
public sealed partial class ImageResolver(BlobServiceClient blobs, ImageUses uses)
{
    private readonly BlobContainerClient _web = blobs.GetBlobContainerClient(StorageNames.WebContainer);

    /// <summary>Inline Markdown images and reference definitions pointing into <c>images/</c>: <c>](images/x.jpg</c>, <c>]: images/x.jpg</c>.</summary>
    [GeneratedRegex(@"(?:\]\(|\]:)[ \t]*<?/?images/(?<name>[^\s)""'>]+)", RegexOptions.CultureInvariant)]
    private static partial Regex MarkdownImagePattern();

    /// <summary>The uploaded images an article shows: its lead image and those of its Markdown body.</summary>
    public static IReadOnlyList<string> UploadedNames(ArticleSubmission article)
    {
        List<string>? names = null;
        if (article.Image is { } image && ImageReference.TryParseUploaded(image.Url, out var lead))
        {
            names = [lead];
        }
        // A plain search first: most bodies never mention the folder, and they skip the pattern.
        if (article.Body.Format == BodyFormat.Markdown && article.Body.Content.Contains(ImageReference.Prefix, StringComparison.Ordinal))
        {
            foreach (Match match in MarkdownImagePattern().Matches(article.Body.Content))
            {
                var name = match.Groups["name"].Value;
                if (ImageReference.IsValidName(name) && !(names ??= []).Contains(name))
                {
                    names.Add(name);
                }
            }
        }
        return names ?? (IReadOnlyList<string>)[];
    }

    public async Task<ResolvedImages> ResolveAsync(ArticleDocument document, RenderScope scope, CancellationToken ct)
    {
        var names = UploadedNames(document.Article);
        if (names.Count == 0)
        {
            return ResolvedImages.None;
        }
        // A page's own render records its uses; a provisional page is rendered again, and a rebuild or verify
        // renders pages whose publish already recorded them (a verify must write nothing).
        if (!scope.IsBatch && !scope.Provisional)
        {
            await uses.RecordAsync(document.Article.Id, names, ct);
        }
        return await ReadAsync(names, scope, ct);
    }

    /// <summary>
    /// The manifests of images a listing page shows, read in parallel through <paramref name="scope"/> (each once in a
    /// batch). Nothing is recorded: listing pages are rendered again by every publish into them, not by the image's uses.
    /// </summary>
    public async Task<ResolvedImages> ReadAsync(IEnumerable<string> names, RenderScope scope, CancellationToken ct)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return ResolvedImages.None;
        }
        var reads = await Task.WhenAll(distinct.Select(name => ReadAsync(name, scope, ct)));
        return new ResolvedImages(distinct.Zip(reads).ToDictionary(p => p.First, p => p.Second.Manifest, StringComparer.Ordinal));
    }

    /// <summary>Starts the manifest reads ahead of the render (reads only; the render records the uses).</summary>
    public Task PrefetchAsync(ArticleDocument document, RenderScope scope, CancellationToken ct) =>
        Task.WhenAll(UploadedNames(document.Article).Select(name => ReadAsync(name, scope, ct)));

    private sealed record ManifestRead(ImageManifest? Manifest);

    private Task<ManifestRead> ReadAsync(string name, RenderScope scope, CancellationToken ct) =>
        scope.SharedAsync("image|" + name, async () => new ManifestRead(await ReadManifestAsync(_web, name, ct)));

    public static async Task<ImageManifest?> ReadManifestAsync(BlobContainerClient web, string name, CancellationToken ct)
    {
        try
        {
            var content = (await web.GetBlobClient(ImageReference.ManifestBlob(name)).DownloadContentAsync(ct)).Value.Content;
            return JsonSerializer.Deserialize(content.ToMemory().Span, ImagesJsonContext.Default.ImageManifest);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
