using ServerlessNews.Articles;
using ServerlessNews.Images;
using ServerlessNews.Rendering;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Images;

/// <summary>How a body's images, tables and wire sub-headings come out.</summary>
public sealed class FigureTests
{
    private static readonly ImageManifest Harbour = new("harbour.jpg", "0123456789ab", 1600, 1000, ["image/avif", "image/webp", "image/jpeg"],
        [Rendition(320, 200), Rendition(960, 600), Rendition(1600, 1000)],
        [new ImageCrop("16x9", 1200, 675, "/images/_/harbour-0123456789ab-16x9.jpg")], "/images/harbour.jpg");

    private static ImageRendition Rendition(int width, int height) => new(width, height, new Dictionary<string, string>
    {
        ["image/avif"] = $"/images/_/harbour-0123456789ab-{width}.avif",
        ["image/webp"] = $"/images/_/harbour-0123456789ab-{width}.webp",
        ["image/jpeg"] = $"/images/_/harbour-0123456789ab-{width}.jpg",
    });

    private static AngleSharp.Dom.IElement Render(BodyFormat format, string content, ResolvedImages? images = null)
    {
        var html = new BodyRenderer().Render(new ArticleBody(format, content), null, images ?? ResolvedImages.None);
        return Html.Parse($"<main>{html}</main>").QuerySelector("main")!;
    }

    [Fact]
    public void An_image_alone_in_its_paragraph_becomes_a_figure_with_its_title_as_caption()
    {
        var body = Render(BodyFormat.Markdown, "Before.\n\n![Traffic on the bridge](https://images.example.test/b.jpg \"Friday, 7 a.m.\")\n\nAfter, with ![an icon](https://images.example.test/i.png) inline.");

        var figure = body.QuerySelector("figure")!;
        Assert.Equal("Traffic on the bridge", figure.QuerySelector("img")!.GetAttribute("alt"));
        Assert.Equal("https://images.example.test/b.jpg", figure.QuerySelector("img")!.GetAttribute("src"));
        Assert.Equal("lazy", figure.QuerySelector("img")!.GetAttribute("loading"));
        Assert.Equal("Friday, 7 a.m.", figure.QuerySelector("figcaption")!.TextContent);
        Assert.Equal("MAIN", figure.ParentElement!.TagName); // not inside a <p>
        Assert.Single(body.QuerySelectorAll("figure"));
        Assert.NotNull(body.QuerySelector("p img[alt='an icon']"));
    }

    [Fact]
    public void An_image_in_a_figure_the_author_wrote_is_not_wrapped_in_a_second_figure()
    {
        var body = Render(BodyFormat.Markdown, "^^^\n![Bridge at dawn](https://images.example.test/bridge.jpg \"The bridge\")\n^^^ The bridge at dawn.");

        Assert.Single(body.QuerySelectorAll("figure"));
        Assert.Equal("The bridge at dawn.", Assert.Single(body.QuerySelectorAll("figcaption")).TextContent);
        Assert.Equal("https://images.example.test/bridge.jpg", body.QuerySelector("figure img")!.GetAttribute("src"));
    }

    [Fact]
    public void An_uploaded_image_with_renditions_offers_avif_and_webp_before_the_jpeg()
    {
        var images = new ResolvedImages(new Dictionary<string, ImageManifest?> { ["harbour.jpg"] = Harbour });
        var body = Render(BodyFormat.Markdown, "![The bridge](images/harbour.jpg)", images);

        var picture = body.QuerySelector("figure > picture")!;
        Assert.Equal(["image/avif", "image/webp"], picture.QuerySelectorAll("source").Select(s => s.GetAttribute("type")));
        Assert.Equal("/images/_/harbour-0123456789ab-320.webp 320w, /images/_/harbour-0123456789ab-960.webp 960w, /images/_/harbour-0123456789ab-1600.webp 1600w",
            picture.QuerySelector("source[type='image/webp']")!.GetAttribute("srcset"));
        var img = picture.QuerySelector("img")!;
        Assert.Equal("/images/_/harbour-0123456789ab-960.jpg", img.GetAttribute("src"));
        Assert.Equal(("1600", "1000"), (img.GetAttribute("width"), img.GetAttribute("height")));
        Assert.Null(body.QuerySelector("figcaption"));
    }

    [Fact]
    public void Raw_html_in_the_same_body_is_sanitized_and_the_figures_survive_it()
    {
        var images = new ResolvedImages(new Dictionary<string, ImageManifest?> { ["harbour.jpg"] = Harbour });
        var body = Render(BodyFormat.Markdown, "<script>alert(1)</script>\n\n![The bridge](images/harbour.jpg \"Caption\")\n\n![Unknown](images/unknown.jpg)\n\n<b onclick=\"x()\">bold</b>", images);

        Assert.Null(body.QuerySelector("script"));
        Assert.Null(body.QuerySelector("[onclick]"));
        Assert.NotNull(body.QuerySelector("figure picture source[type='image/avif']"));
        // An upload without renditions shows at its original URL.
        Assert.Equal("/images/unknown.jpg", body.QuerySelectorAll("figure")[1].QuerySelector("img")!.GetAttribute("src"));
    }

    [Fact]
    public void An_author_cannot_forge_the_figure_placeholder()
    {
        var body = Render(BodyFormat.Markdown, "![x](https://images.example.test/a.jpg)\n\nfigure-00000000000000000000000000000000-0\n\n<p>figure-0</p>");
        Assert.Single(body.QuerySelectorAll("figure"));
        Assert.Contains("figure-00000000000000000000000000000000-0", body.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Tables_scroll_in_a_focusable_region_and_wire_sub_headings_are_marked_for_small_capitals()
    {
        var markdown = Render(BodyFormat.Markdown, "| Year | Crossings |\n| --- | ---: |\n| 2025 | 150,000 |");
        var region = markdown.QuerySelector("div.table-scroll")!;
        Assert.Equal(("region", "0"), (region.GetAttribute("role"), region.GetAttribute("tabindex")));
        Assert.NotNull(region.QuerySelector("table thead th"));

        var html = Render(BodyFormat.Html, "<table><tr><td>1</td></tr></table>");
        Assert.NotNull(html.QuerySelector("div.table-scroll > table"));

        var wire = Render(BodyFormat.Text, "Talks stalled.\n\nLACK OF BACK CHANNELS\n\nNeither side called.");
        Assert.Equal("caps", wire.QuerySelector("h2")!.ClassName);
        Assert.Equal("LACK OF BACK CHANNELS", wire.QuerySelector("h2")!.TextContent);
    }
}
