using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessNews.Tests.Comments;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// A flood from one IPv6 network, which hands a client as many addresses as it likes: one bucket per /64, and an
/// IPv4 address counts as itself whether it arrives plain or IPv4-mapped.
/// </summary>
public sealed class FloodBucketTests(FloodFixture server) : IClassFixture<FloodFixture>
{
    private async Task<HttpResponseMessage> PostFromAsync(string articleId, string ip) =>
        await server.Client.SendAsync(server.Json(new { articleId, name = "Flooder", email = server.NewReader().Email, comment = "Again " + Guid.NewGuid() }, ip));

    [Theory]
    [InlineData("2001:db8:17:4::1", "2001:db8:17:4:ffff:ffff:ffff:fffe")]
    [InlineData("198.51.100.7", "::ffff:198.51.100.7")]
    [InlineData("[2001:db8:17:5::1]:50123", "2001:db8:17:5:abcd::9")]
    public async Task Addresses_of_one_ipv6_network_or_one_ipv4_address_share_one_flood_window(string first, string second)
    {
        var article = "flood-bucket-" + Math.Abs(first.GetHashCode(StringComparison.Ordinal));
        await server.PublishAsync(article);

        Assert.Equal(HttpStatusCode.Accepted, (await PostFromAsync(article, first)).StatusCode);
        var again = await PostFromAsync(article, second);

        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.True(again.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Another_ipv6_network_has_a_window_of_its_own()
    {
        await server.PublishAsync("flood-networks");
        Assert.Equal(HttpStatusCode.Accepted, (await PostFromAsync("flood-networks", "2001:db8:18:1::1")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PostFromAsync("flood-networks", "2001:db8:18:2::1")).StatusCode);
    }
}

/// <summary>Comments from many networks at once: a rate per article and one for the whole site, each answered 429 with Retry-After.</summary>
public sealed class CommentRateTests(CommentRateTests.Fixture server) : IClassFixture<CommentRateTests.Fixture>
{
    public const int PerArticle = 3;
    public const int PerSite = 5;

    public sealed class Fixture : CommentsFixture
    {
        public override Dictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            settings["Comments:ArticleRateLimit"] = PerArticle.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Comments:SiteRateLimit"] = PerSite.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return settings;
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string articleId) =>
        await server.Client.SendAsync(server.Json(new { articleId, name = "Crowd", email = server.NewReader().Email, comment = "Me too " + Guid.NewGuid() }));

    private static async Task AssertLimitedAsync(HttpResponseMessage response, string what)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(what, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crowd_of_fresh_addresses_is_limited_per_article_then_site_wide()
    {
        // Published before the clock starts: publishing takes no comment tokens.
        await server.PublishAsync("rate-hot");
        await server.PublishAsync("rate-other");
        await server.PublishAsync("rate-third");
        var before = await ServerlessNews.Tests.Publishing.StorageSnapshot.TakeAsync(server);

        for (var i = 0; i < PerArticle; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("rate-hot")).StatusCode);
        }
        await AssertLimitedAsync(await PostAsync("rate-hot"), "this article");

        for (var i = PerArticle; i < PerSite; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("rate-other")).StatusCode);
        }
        await AssertLimitedAsync(await PostAsync("rate-third"), "the site");

        // Refused comments stored nothing: only the accepted ones are there.
        var after = await ServerlessNews.Tests.Publishing.StorageSnapshot.TakeAsync(server);
        Assert.Equal(before.CommentRows + PerSite, after.CommentRows);
        Assert.Equal(before.ModerateMessages + PerSite, after.ModerateMessages);
    }
}
