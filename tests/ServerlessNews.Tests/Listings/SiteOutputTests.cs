using ServerlessNews.Index;
using ServerlessNews.Site;

namespace ServerlessNews.Tests.Listings;

/// <summary>The keys that name refresh outputs in markers and messages: the stored form stays readable by every host version.</summary>
public sealed class SiteOutputTests
{
    public static TheoryData<string> Keys() =>
    [
        "front|all",
        "front|section|world",
        "front|tag|transport",
        "front|author|ana-ruiz",
        "month|2026-11|all",
        "month|2026-11|section|world",
        "feed|all",
        "feed|section|world",
        "sitemap|2026-11",
        "newsmap",
        "article|harbour-bridge-reopens",
    ];

    [Theory]
    [MemberData(nameof(Keys))]
    public void Every_key_parses_to_an_output_that_formats_it_again(string key)
    {
        Assert.True(SiteOutput.TryParse(key, out var output));
        Assert.Equal(key, output.Key);
    }

    [Fact]
    public void Outputs_built_from_listings_have_the_keys_publishes_have_always_queued()
    {
        var world = ListingRef.Section("World");
        Assert.Equal("front|section|world", new SiteOutput.Front(world).Key);
        Assert.Equal("month|2026-11|section|world", new SiteOutput.Month(world, "2026-11").Key);
        Assert.Equal("feed|all", new SiteOutput.Feed(ListingRef.Home).Key);
        Assert.Equal("sitemap|2026-11", new SiteOutput.Sitemap("2026-11").Key);
        Assert.Equal("newsmap", new SiteOutput.NewsSitemap().Key);
        Assert.Equal("article|x-1", new SiteOutput.ArticlePage("x-1").Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("front")]
    [InlineData("front|")]
    [InlineData("front|section|World")]
    [InlineData("front|shelf|world")]
    [InlineData("month|2026-13|all")]
    [InlineData("month|2026-11all")]
    [InlineData("month|2026-11|")]
    [InlineData("feed|tag|transport")]
    [InlineData("sitemap|november")]
    [InlineData("newsmap|x")]
    [InlineData("article|Not_An_Id")]
    [InlineData("article|../index")]
    [InlineData("page|section|world")]
    public void Keys_that_name_no_output_are_refused(string key) =>
        Assert.False(SiteOutput.TryParse(key, out _));
}
