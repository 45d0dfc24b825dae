using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace ServerlessNews.Tests.Infrastructure;

public static class Html
{
    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static string? Meta(this IHtmlDocument page, string key) =>
        page.QuerySelector($"meta[property='{key}'], meta[name='{key}']")?.GetAttribute("content");

    public static string[] MetaAll(this IHtmlDocument page, string key) =>
        page.QuerySelectorAll($"meta[property='{key}'], meta[name='{key}']").Select(m => m.GetAttribute("content") ?? "").ToArray();
}
