using System.Globalization;
using System.Text.Json.Nodes;
using ServerlessNews.Tests.Images;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Listings;

/// <summary>
/// A small site for the fronts, with pages small enough that a test sees them split: four articles a page, three
/// pages a listing, blocks of two for the first three sections on the home page. The newest stories lead with an
/// uploaded image, a processed thumbnail, an external image and none.
/// </summary>
public sealed class FrontsFixture : StorageFixture
{
    public const int PageSize = 4;
    public const int Pages = 3;
    public const int BlockItems = 2;
    public const int Blocks = 3;

    /// <summary>The site's articles newest first, with their sections.</summary>
    public static readonly (string Id, string Section)[] Stories =
    [
        ("lead-story", "World"), ("second-story", "Business"), ("external-image", "Arts"), ("no-image", "Culture"),
        ("arts-1", "Arts"), ("business-1", "Business"), ("arts-2", "Arts"), ("culture-1", "Culture"), ("arts-3", "Arts"), ("world-1", "World"),
    ];

    public DateTimeOffset[] Times { get; private set; } = [];

    public string PathOf(string id) => SiteData.PathOf(id, Stories.Single(s => s.Id == id).Section, Times[Array.FindIndex(Stories, s => s.Id == id)]);

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Refresh:FrontPageSize"] = PageSize.ToString(CultureInfo.InvariantCulture);
        settings["Refresh:FrontPages"] = Pages.ToString(CultureInfo.InvariantCulture);
        settings["Refresh:HomeSectionBlocks"] = Blocks.ToString(CultureInfo.InvariantCulture);
        settings["Refresh:HomeSectionItems"] = BlockItems.ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await TestImages.UploadAndProcessAsync(this, "fronts/lead.jpg", TestImages.Jpeg(2400, 1600));
        await TestImages.UploadAndProcessAsync(this, "fronts/second.jpg", TestImages.Jpeg(1200, 800));
        var now = Seconds(Clock.GetUtcNow());
        Times = Stories.Select((_, i) => now.AddMinutes(-1 - i)).ToArray();
        for (var i = Stories.Length - 1; i >= 0; i--)
        {
            var (id, section) = Stories[i];
            var article = Article(id, section, ["Front Tag"], ["Fran Front"], Times[i]).With("kicker", i % 2 == 0 ? "Exclusive" : "Analysis");
            article = id switch
            {
                "lead-story" => article.With("image", Image("images/fronts/lead.jpg", "Cars cross the bridge at dawn")),
                "second-story" => article.With("image", Image("images/fronts/second.jpg", "Traders on the floor")),
                "external-image" => article.With("image", Image("https://images.example.test/arts.jpg", "A gallery")).Without("kicker"),
                _ => article.Without("image"),
            };
            await this.SubmitAsync(article);
        }
        await DrainAsync();
    }

    private static JsonObject Image(string url, string alt) => new() { ["url"] = url, ["alt"] = alt };
}
