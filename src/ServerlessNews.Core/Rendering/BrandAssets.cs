using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessNews.Storage;

namespace ServerlessNews.Rendering;

/// <summary>
/// The default logo, favicons and social image, written into <c>$web</c> so that a fresh site has them (no 404
/// for <c>/favicon.ico</c> or the icons the pages link). Idempotent: a file is written when it is missing, or
/// when it is one of these defaults (marked in its metadata) and differs (the logo is the site's name, which
/// may change); a newsroom's own file at the same path is never replaced. Defaults the brand settings point
/// elsewhere are not written.
/// </summary>
public sealed partial class BrandAssets(BlobServiceClient blobs, IOptions<SiteOptions> site, IOptions<BrandOptions> brand)
{
    public const string FaviconIco = "/favicon.ico";
    public const string AppleTouchIcon = "/apple-touch-icon.png";

    /// <summary>Blob metadata that marks a file as this class's default, which it may update: the SHA-256 of what it wrote.</summary>
    public const string DefaultMarker = "brandDefault";

    public static readonly (int Width, int Height) SocialImageSize = (1200, 630);

    private const int WordmarkHeight = 40;
    private const int WordmarkFontSize = 26;
    private const string WordmarkStyle = "text{fill:#1a1a1a}@media (prefers-color-scheme:dark){text{fill:#f2f2f2}}";

    public sealed record Asset(string Path, string ContentType, byte[] Content);

    /// <summary>The wordmark's box: the tile, a gap, and the name at an average bold serif advance.</summary>
    public static (int Width, int Height) WordmarkSize(string siteName) =>
        (42 + TextLength(siteName) + 4, WordmarkHeight);

    private static int TextLength(string siteName) => (int)Math.Ceiling(siteName.Length * WordmarkFontSize * 0.6);

    /// <summary>
    /// The default logo: the mark and the site's name. <c>textLength</c> holds the name to the width the page
    /// reserves for it whatever font the reader has; the colours follow the reader's light or dark scheme.
    /// </summary>
    public static string Wordmark(string siteName)
    {
        var (width, height) = WordmarkSize(siteName);
        var name = WebUtility.HtmlEncode(siteName);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{name}}">
            <style>{{WordmarkStyle}}</style>
            <g transform="translate(0 4)"><rect width="32" height="32" rx="5" fill="#b00020"/><path fill="#fff" d="M7 7h18v4H7zM7 14h18v2.5H7zM7 19h18v2.5H7zM7 24h11v2.5H7z"/></g>
            <text x="42" y="29" font-family="Georgia,'Times New Roman',serif" font-size="{{WordmarkFontSize}}" font-weight="700" textLength="{{TextLength(siteName)}}" lengthAdjust="spacingAndGlyphs">{{name}}</text>
            </svg>

            """);
    }

    /// <summary>The defaults this site's settings use.</summary>
    public IReadOnlyList<Asset> Defaults()
    {
        var b = brand.Value;
        var assets = new List<Asset>
        {
            new(FaviconIco, "image/x-icon", Embedded("favicon.ico")),
            new(AppleTouchIcon, "image/png", Embedded("apple-touch-icon.png")),
        };
        if (b.Logo == BrandOptions.DefaultLogo)
        {
            assets.Add(new(BrandOptions.DefaultLogo, "image/svg+xml", Encoding.UTF8.GetBytes(Wordmark(site.Value.Name))));
        }
        if (b.Favicon == BrandOptions.DefaultFavicon)
        {
            assets.Add(new(BrandOptions.DefaultFavicon, "image/svg+xml", Embedded("favicon.svg")));
        }
        if (b.SocialImage == BrandOptions.DefaultSocialImage)
        {
            assets.Add(new(BrandOptions.DefaultSocialImage, "image/png", Embedded("social-default.png")));
        }
        return assets;
    }

    /// <returns>The paths written.</returns>
    public async Task<IReadOnlyList<string>> EnsureWrittenAsync(CancellationToken ct)
    {
        var web = blobs.GetBlobContainerClient(StorageNames.WebContainer);
        await web.CreateIfNotExistsAsync(cancellationToken: ct);
        var written = await Task.WhenAll(Defaults().Select(async asset => await EnsureAsync(web.GetBlobClient(asset.Path.TrimStart('/')), asset, ct) ? asset.Path : null));
        return written.OfType<string>().ToList();
    }

    private static async Task<bool> EnsureAsync(BlobClient blob, Asset asset, CancellationToken ct)
    {
        BlobRequestConditions conditions;
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
            if (!properties.Metadata.TryGetValue(DefaultMarker, out var hash) || hash == Hash(asset))
            {
                return false; // the newsroom's own file, or this default already
            }
            conditions = new BlobRequestConditions { IfMatch = properties.ETag };
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        }
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(asset.Content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = asset.ContentType, CacheControl = "public, max-age=3600" },
                Metadata = new Dictionary<string, string> { [DefaultMarker] = Hash(asset) },
                Conditions = conditions,
            }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false; // another instance, starting at the same time, wrote it
        }
    }

    private static string Hash(Asset asset) => Convert.ToHexStringLower(SHA256.HashData(asset.Content));

    private static byte[] Embedded(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Theme/assets/" + file)
            ?? throw new InvalidOperationException($"The default theme has no asset '{file}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Writes the defaults when the host starts, in the background: a storage hiccup must not stop the host, and the next start tries again.</summary>
    internal sealed partial class AtStart(BrandAssets assets, ILogger<BrandAssets> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                var written = await assets.EnsureWrittenAsync(stoppingToken);
                if (written.Count > 0)
                {
                    LogWritten(logger, string.Join(", ", written));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the default brand files {Paths}")]
        private static partial void LogWritten(ILogger logger, string paths);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the default brand files; the next start tries again")]
        private static partial void LogFailed(ILogger logger, Exception exception);
    }
}
