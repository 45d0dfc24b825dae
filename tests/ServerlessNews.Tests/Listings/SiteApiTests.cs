using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessNews.Publishing;
using ServerlessNews.Tests.Infrastructure;
using static ServerlessNews.Tests.Infrastructure.SiteData;

namespace ServerlessNews.Tests.Listings;

/// <summary>GET /api/articles, DELETE /api/articles/{id} and the served site, over real HTTP (DevServer).</summary>
public sealed class SiteApiTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    private HttpClient Client => server.Client;
    private DateTimeOffset Now => Seconds(server.Clock.GetUtcNow());

    [Fact]
    public async Task The_listing_api_pages_a_listing_newest_first_with_continuation_tokens()
    {
        var ids = Enumerable.Range(0, 5).Select(i => $"paged-{i}").ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            await server.SubmitAsync(Article(ids[i], "Pager", ["Leaf"], ["Pat Page"], Now.AddSeconds(-60 + i)));
        }
        await server.DrainPublishQueueAsync();

        foreach (var query in new[] { "section=Pager", "section=pager", "tag=leaf", "author=Pat%20Page" })
        {
            var seen = new List<string>();
            string? continuation = null;
            var pages = 0;
            do
            {
                var url = $"/api/articles?{query}&pageSize=2" + (continuation is null ? "" : "&continuation=" + continuation);
                var page = await Client.GetFromJsonAsync<JsonElement>(url);
                var items = page.GetProperty("items").EnumerateArray().ToList();
                Assert.InRange(items.Count, 1, 2);
                seen.AddRange(items.Select(item => item.GetProperty("id").GetString()!));
                continuation = page.GetProperty("continuation").GetString();
                pages++;
            }
            while (continuation is not null && pages < 10);
            Assert.Equal(ids.Reverse(), seen);
        }

        var first = (await Client.GetFromJsonAsync<JsonElement>("/api/articles?section=pager&pageSize=1")).GetProperty("items")[0];
        Assert.Equal("Headline of paged-4", first.GetProperty("headline").GetString());
        Assert.Equal(StorageFixture.BaseUrl + PathOf("paged-4", "Pager", Now.AddSeconds(-56)), first.GetProperty("url").GetString());
        Assert.Equal(["Pat Page"], first.GetProperty("authors").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["Leaf"], first.GetProperty("tags").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("Pager", first.GetProperty("section").GetString());
    }

    [Fact]
    public async Task Bad_listing_parameters_get_400_naming_each_one()
    {
        var response = await Client.GetAsync("/api/articles?section=World&tag=Transport&pageSize=0&continuation=%25%25not-base64");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["continuation", "pageSize", "section", "tag"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var tooBig = await Client.GetAsync("/api/articles?author=&pageSize=1000");
        var tooBigErrors = (await tooBig.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["author", "pageSize"], tooBigErrors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_signed_delete_kills_the_article_and_an_unsigned_one_changes_nothing()
    {
        var at = Now.AddSeconds(-30);
        await server.SubmitAsync(Article("to-delete", "Deletions", ["Gone"], ["Ana Ruiz"], at));
        await server.DrainAsync();
        var path = PathOf("to-delete", "Deletions", at);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(path)).StatusCode);

        var unsigned = await Client.DeleteAsync("/api/articles/to-delete");
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        var forged = Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/to-delete", KillRequest.Body("to-delete"), secret: "whsec_" + Convert.ToBase64String(new byte[32]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.SendAsync(forged)).StatusCode);
        Assert.Empty((await server.Queue(ServerlessNews.Storage.StorageNames.PublishQueue).PeekMessagesAsync(32)).Value);

        var deleted = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/to-delete", KillRequest.Body("to-delete"), id: "msg_delete_once"));
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Equal("/api/articles/to-delete", deleted.Headers.Location?.ToString());
        var again = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/to-delete", KillRequest.Body("to-delete"), id: "msg_delete_once"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await server.DrainAsync();

        var status = await (await Client.SendAsync(Webhook.StatusRequest("to-delete"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("killed", status.GetProperty("state").GetString());
        var notice = Html.Parse(await Client.GetStringAsync(path));
        Assert.Equal("This article has been removed", notice.QuerySelector("h1")!.TextContent);
        Assert.Equal("noindex", notice.Meta("robots"));
        var listed = await Client.GetFromJsonAsync<JsonElement>("/api/articles?section=deletions");
        Assert.Empty(listed.GetProperty("items").EnumerateArray());
        // Its section had no other article: its front page is gone with it, and answers the 404 page.
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/deletions/")).StatusCode);

        var unknown = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/never-published", KillRequest.Body("never-published")));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var badId = await Client.SendAsync(Webhook.SignedRequest(HttpMethod.Delete, "/api/articles/Bad_Id", KillRequest.Body("Bad_Id")));
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
    }

    [Fact]
    public async Task Unknown_paths_are_answered_by_the_404_page()
    {
        // The site's 404 page exists once it has an article.
        await server.SubmitAsync(Article("not-found-page", "Misses", [], ["Ana Ruiz"], Now.AddSeconds(-5)));
        await server.DrainAsync();
        var response = await Client.GetAsync("/no/such/page/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Page not found", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("noindex", page.Meta("robots"));
    }
}
