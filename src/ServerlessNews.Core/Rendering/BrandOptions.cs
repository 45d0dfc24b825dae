using System.Globalization;
using Microsoft.Extensions.Options;

namespace ServerlessNews.Rendering;

/// <summary>
/// The newsroom's identity on every page: logo, favicon, the image shared when a page has none, footer links.
/// The site's name is <see cref="SiteOptions.Name"/>. Every default is a file the site writes itself
/// (<see cref="BrandAssets"/>), so a fresh site has a logo and a favicon; a newsroom points these at its own.
/// </summary>
public sealed class BrandOptions
{
    public const string SectionName = "Brand";

    public const string DefaultLogo = "/logo.svg";
    public const string DefaultFavicon = "/favicon.svg";
    public const string DefaultSocialImage = "/social-default.png";

    /// <summary>A site path (<c>/logo.svg</c>) or an absolute http(s) URL; the default is a wordmark of the site's name.</summary>
    public string Logo { get; set; } = DefaultLogo;

    /// <summary>The logo's intrinsic size, so the header does not move as it loads (set both or neither; known for the default).</summary>
    public int? LogoWidth { get; set; }

    public int? LogoHeight { get; set; }

    /// <summary>.svg, .png or .ico; <c>/favicon.ico</c> is always written too, for browsers that ask for it unprompted.</summary>
    public string Favicon { get; set; } = DefaultFavicon;

    /// <summary>The <c>og:image</c> of every page that has no image of its own (1200×630 is what social networks show large).</summary>
    public string SocialImage { get; set; } = DefaultSocialImage;

    public int? SocialImageWidth { get; set; }

    public int? SocialImageHeight { get; set; }

    /// <summary>Footer links: <c>Brand__FooterLinks__0__Text=About</c>, <c>Brand__FooterLinks__0__Url=/about/</c>, …</summary>
    public List<BrandLink> FooterLinks { get; set; } = [];

    public const int MaxFooterLinks = 12;

    /// <summary>The default files' sizes (<see cref="BrandAssets"/>).</summary>
    public (int Width, int Height)? LogoSize(string siteName) =>
        LogoWidth is { } w && LogoHeight is { } h ? (w, h) : Logo == DefaultLogo ? BrandAssets.WordmarkSize(siteName) : null;

    public (int Width, int Height)? SocialImageSize =>
        SocialImageWidth is { } w && SocialImageHeight is { } h ? (w, h) : SocialImage == DefaultSocialImage ? BrandAssets.SocialImageSize : null;
}

public sealed class BrandLink
{
    public string Text { get; set; } = "";

    public string Url { get; set; } = "";
}

/// <summary>Checks every brand setting at start and names each bad one with the value it got, so one restart fixes them all.</summary>
public sealed class BrandOptionsValidator : IValidateOptions<BrandOptions>
{
    private static readonly string[] FaviconTypes = [".svg", ".png", ".ico"];
    private static readonly string[] ImageTypes = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"];
    private static readonly string[] SocialImageTypes = [".jpg", ".jpeg", ".png", ".webp", ".gif"];

    public ValidateOptionsResult Validate(string? name, BrandOptions options)
    {
        var problems = new List<string>();
        CheckUrl(problems, "Logo", options.Logo, ImageTypes);
        CheckSize(problems, "Logo", options.LogoWidth, options.LogoHeight);
        CheckUrl(problems, "Favicon", options.Favicon, FaviconTypes);
        CheckUrl(problems, "SocialImage", options.SocialImage, SocialImageTypes);
        CheckSize(problems, "SocialImage", options.SocialImageWidth, options.SocialImageHeight);
        if (options.FooterLinks.Count > BrandOptions.MaxFooterLinks)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Brand__FooterLinks has {options.FooterLinks.Count} links; at most {BrandOptions.MaxFooterLinks} fit a footer."));
        }
        for (var i = 0; i < options.FooterLinks.Count; i++)
        {
            var link = options.FooterLinks[i];
            var setting = string.Create(CultureInfo.InvariantCulture, $"Brand__FooterLinks__{i}");
            if (string.IsNullOrWhiteSpace(link.Text) || link.Text.Length > 60)
            {
                problems.Add($"{setting}__Text must be 1 to 60 characters (got '{link.Text}').");
            }
            if (!IsSitePath(link.Url) && !IsHttpUrl(link.Url) && !link.Url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{setting}__Url must be a site path such as /about/, an absolute http(s) URL or a mailto: address (got '{link.Url}').");
            }
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckUrl(List<string> problems, string setting, string value, string[] extensions)
    {
        if (!IsSitePath(value) && !IsHttpUrl(value))
        {
            problems.Add($"Brand__{setting} must be a site path such as /logo.svg or an absolute http(s) URL (got '{value}').");
        }
        else if (!extensions.Any(x => Path.GetExtension(new Uri(new Uri("http://x"), value).AbsolutePath).Equals(x, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"Brand__{setting} must name a file ending in {string.Join(", ", extensions)} (got '{value}').");
        }
    }

    private static void CheckSize(List<string> problems, string setting, int? width, int? height)
    {
        if (width.HasValue != height.HasValue)
        {
            problems.Add($"Brand__{setting}Width and Brand__{setting}Height go together: set both or neither.");
        }
        if (width is < 1 or > 4000 || height is < 1 or > 4000)
        {
            problems.Add($"Brand__{setting}Width and Brand__{setting}Height must be 1 to 4000 pixels (got {width}×{height}).");
        }
    }

    private static bool IsSitePath(string value) =>
        value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal) && Uri.IsWellFormedUriString(value, UriKind.Relative);

    private static bool IsHttpUrl(string value) => Articles.SubmissionParser.IsHttpUrl(value);
}
