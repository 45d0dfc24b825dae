using Microsoft.Extensions.Options;
using ServerlessNews.Index;

namespace ServerlessNews.Rendering;

/// <summary>Pages that only tell the reader something (not found, removed): noindex, with the site's navigation.</summary>
public sealed class NoticePages(PageRenderer renderer, PageNavigation navigation, IOptions<SiteOptions> site)
{
    /// <summary>A notice: its template in the theme and its title.</summary>
    public sealed record Notice(string Template, string Title);

    public static readonly Notice NotFound = new("notfound.liquid", "Page not found");

    /// <summary>What stays at a killed article's address.</summary>
    public static readonly Notice Removed = new("removed.liquid", "Article removed");

    public async Task<string> RenderAsync(Notice notice, IReadOnlyList<SectionName> sections, CancellationToken ct)
    {
        var page = new PageView($"{notice.Title} | {site.Value.Name}", notice.Title, site.Value.AbsoluteUrl("/"), [new MetaTag("name", "robots", "noindex")], null);
        return await renderer.RenderPageAsync(notice.Template, navigation.Decorate(page, null, sections), new Dictionary<string, object?>(), ct);
    }
}
