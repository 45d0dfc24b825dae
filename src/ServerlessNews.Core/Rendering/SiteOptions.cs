using System.ComponentModel.DataAnnotations;

namespace ServerlessNews.Rendering;

public sealed class SiteOptions
{
    public const string SectionName = "Site";

    /// <summary>Absolute URL the site is served from (canonical URLs, feeds, sitemaps). No trailing slash needed.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://127.0.0.1:7071";

    [Required, MaxLength(100)]
    public string Name { get; set; } = "ServerlessNews";

    /// <summary>BCP 47 language tag for <c>&lt;html lang&gt;</c> and feeds.</summary>
    [Required, RegularExpression("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public string Language { get; set; } = "en";

    /// <summary>How often a theme override in the <c>templates</c> container is checked for changes.</summary>
    public TimeSpan TemplateRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What pages show of the time changes once per period (see <see cref="SiteClock"/>): the site's timer renders
    /// again, at each period's start, the outputs that change with it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ClockPeriod { get; set; } = TimeSpan.FromHours(1);

    public string AbsoluteUrl(string path) => BaseUrl.TrimEnd('/') + path;
}
