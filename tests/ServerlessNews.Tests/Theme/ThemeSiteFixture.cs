using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ServerlessNews.DevServer;
using ServerlessNews.Tests.Images;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Theme;

/// <summary>
/// A site as a newsroom would show it, served by the DevServer at its own base URL: an article with an uploaded
/// lead image, a figure and a table; the wire-style sample; enough articles for the home and section pages; the
/// brand's footer links. One headless Chromium for the class.
/// </summary>
public sealed class ThemeSiteFixture : DevServerFixture
{
    public const string ImageArticle = "/world/2026/11/27/bridge-with-images/";
    public const string WireArticle = "/world/2026/11/27/harbour-bridge-reopens/";

    /// <summary>The pages issue 24 holds to Lighthouse, axe and the Nu Html Checker, by the name their artifacts carry.</summary>
    public static readonly IReadOnlyDictionary<string, string> Pages = new Dictionary<string, string>
    {
        ["article-with-images"] = ImageArticle,
        ["home"] = "/",
        ["section"] = "/world/",
        ["wire-article"] = WireArticle,
    };

    private readonly Lazy<string> _url = new(() => "http://127.0.0.1:" + LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture));
    private IPlaywright? _playwright;

    public string Url => _url.Value;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots and Lighthouse reports, kept in the test output folder.</summary>
    public static string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "theme");

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["urls"] = Url;
        settings["Site:BaseUrl"] = Url;
        string[][] links = [["About us", "/about/"], ["Contact", "mailto:newsdesk@example.test"], ["Corrections policy", "/corrections-policy/"], ["Privacy", "/privacy/"]];
        for (var i = 0; i < links.Length; i++)
        {
            settings[$"Brand:FooterLinks:{i}:Text"] = links[i][0];
            settings[$"Brand:FooterLinks:{i}:Url"] = links[i][1];
        }
        return settings;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Artifacts);
        await TestImages.UploadAndProcessAsync(this, "2026/11/bridge-lead.jpg", TestImages.Jpeg(2400, 1600));
        await TestImages.UploadAndProcessAsync(this, "2026/11/crossings.png", TestImages.Png(1200, 700));
        await this.SubmitAsync(TestArticles.Valid("bridge-with-images")
            .With("headline", "Harbour bridge reopens two weeks early after round-the-clock repairs")
            .With("summary", "The bridge, which carries 150,000 vehicles a day, reopened on Friday after six weeks of work on its deck and cables.")
            .With("image", new JsonObject
            {
                ["url"] = "images/2026/11/bridge-lead.jpg",
                ["alt"] = "Cars and buses cross the suspension bridge at dawn",
                ["caption"] = "The first commuters crossed at 6 a.m. on Friday.",
                ["credit"] = "Photo: Ana Ruiz",
            })
            .WithBody("markdown", ImageArticleBody));
        await this.SubmitAsync(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "samples", "harbour-bridge-reopens.json")))!);
        string[] sections = ["World", "World", "Business", "Sport", "World", "Business"];
        for (var i = 0; i < sections.Length; i++)
        {
            var at = new DateTimeOffset(2026, 11, 26, 9 + i, 0, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            await this.SubmitAsync(TestArticles.Valid($"story-{i}").Without("image")
                .With("section", sections[i])
                .With("headline", $"Story {i + 1}: ministers agree a timetable for the next round of talks")
                .With("summary", "Negotiators met again after a pause of several weeks.")
                .With("publishedAt", at));
        }
        await DrainAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await HeadlessChromium.LaunchAsync(_playwright);
        // The DevServer writes the brand's default files as it starts, in the background.
        await Poll.UntilAsync(async () => (await Client.GetAsync(new Uri("/favicon.ico", UriKind.Relative))).IsSuccessStatusCode ? "yes" : null,
            TimeSpan.FromSeconds(30), "the default favicon");
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A page that may only reach this site (nothing else is reachable here; waiting on DNS would skew timings).</summary>
    public async Task<IPage> OpenAsync(string path, BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options ?? new());
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith(Url + "/", StringComparison.Ordinal)
            ? route.ContinueAsync()
            : route.AbortAsync("addressunreachable"));
        await page.GotoAsync(Url + path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        return page;
    }

    private const string ImageArticleBody = """
        The 25 de Abril bridge reopened to traffic on Friday, two weeks ahead of schedule, after six weeks of repairs to its deck and suspension cables, the port authority said.

        Commuters who had faced detours of up to two hours through the city's northern ring road returned at dawn, and the first buses crossed shortly after six o'clock.

        "We asked crews to work through the night, and they did," said the authority's chief engineer. "Every cable was inspected and the worst sections of the deck were replaced."

        ## What was repaired

        Engineers replaced 1,200 square metres of the road deck and re-tensioned the four main cables, work that had been postponed twice since 2019 for lack of funds.

        ![A chart of daily crossings before, during and after the closure](images/2026/11/crossings.png "Daily crossings, October to November 2026")

        | Period | Daily crossings | Change |
        | --- | ---: | ---: |
        | Before the closure | 150,000 | — |
        | During the closure | 0 | −100% |
        | First day after | 142,000 | −5% |

        > The closure cost the city's economy an estimated 40 million euros, according to the chamber of commerce.

        ## What comes next

        A second phase of work, on the railway deck below the road, is due to start in the spring and will close one track at a time, the authority said.

        Hauliers said they had not been consulted about the closure and asked for a timetable for the railway works before the end of the year.
        """;
}
