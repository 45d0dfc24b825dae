using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;
using ServerlessNews.Tests.Publishing;

namespace ServerlessNews.Tests.Reliability;

/// <summary>A published article to aim bad comments at, with the default flood window (every client here is 127.0.0.1).</summary>
public sealed class CommentSweepFixture : CommentsFixture
{
    public const string ArticleId = "sweep-comments";

    protected override TimeSpan FloodWindow => TimeSpan.FromSeconds(15);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PublishAsync(ArticleId);
    }
}

/// <summary>Every kind of bad comment gets a clear 4xx (ProblemDetails, or the error page for the form) and changes nothing in storage.</summary>
public sealed class CommentBadInputSweepTests(CommentSweepFixture server) : IClassFixture<CommentSweepFixture>
{
    private static JsonObject Valid() => new()
    {
        ["articleId"] = CommentSweepFixture.ArticleId,
        ["name"] = "Ana Reader",
        ["email"] = "ana@example.test",
        ["comment"] = "A fair point.",
    };

    private static JsonObject With(string field, JsonNode? value)
    {
        var body = Valid();
        body[field] = value;
        return body;
    }

    public static TheoryData<string, byte[]> BadJson()
    {
        byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
        return new()
        {
            { "truncated JSON", Encoding.UTF8.GetBytes(Valid().ToJsonString()[..30]) },
            { "malformed JSON", "{\"articleId\": 'sweep-comments',}"u8.ToArray() },
            { "not an object", "[\"comment\"]"u8.ToArray() },
            { "null", "null"u8.ToArray() },
            { "empty body", [] },
            { "wrong types", Json(With("name", 5).With("comment", new JsonArray("a")).With("email", true)) },
            { "huge comment", Json(With("comment", new string('c', 9000))) },
            { "huge name", Json(With("name", new string('n', 5000))) },
            { "deep nesting", Encoding.UTF8.GetBytes("{\"articleId\":\"sweep-comments\",\"comment\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}") },
            { "invalid UTF-8", [.. "{\"articleId\":\"sweep-comments\",\"name\":\"A"u8, 0xFF, 0xFE, .. "\",\"email\":\"a@example.test\",\"comment\":\"x\"}"u8] },
            { "control character in the name", Json(With("name", "Ana\u0000Reader")) },
            { "bidi override in the name", Json(With("name", "Ana \u202Eredaer")) },
            { "zero-width character in the name", Json(With("name", "Ana\u200bReader")) },
            { "path traversal in the article id", Json(With("articleId", "../../$web/index")) },
            { "unknown article", Json(With("articleId", "no-such-article")) },
            { "missing fields", "{}"u8.ToArray() },
            { "bad email", Json(With("email", "not-an-email")) },
            { "javascript website", Json(With("website", "javascript:alert(1)")) },
            { "bad parent id", Json(With("parentId", "../x")) },
        };
    }

    [Theory]
    [MemberData(nameof(BadJson))]
    public async Task Bad_json_comments_get_400_and_change_nothing(string why, byte[] body)
    {
        var before = await StorageSnapshot.TakeAsync(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await server.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    public static TheoryData<string, string> BadForms() => new()
    {
        { "truncated form", "articleId=sweep-comments&name=Ana&email=a%40exa" },
        { "huge comment", "articleId=sweep-comments&name=Ana&email=a%40example.test&comment=" + new string('c', 9000) },
        { "control character in the name", "articleId=sweep-comments&name=Ana%00Reader&email=a%40example.test&comment=x" },
        { "bidi override in the name", "articleId=sweep-comments&name=Ana%E2%80%AEredaer&email=a%40example.test&comment=x" },
        { "zero-width character in the name", "articleId=sweep-comments&name=Ana%E2%80%8BReader&email=a%40example.test&comment=x" },
        { "invalid UTF-8 in the name", "articleId=sweep-comments&name=Ana%FF%FEReader&email=a%40example.test&comment=x" },
        { "path traversal in the article id", "articleId=..%2F..%2F%24web%2Findex&name=Ana&email=a%40example.test&comment=x" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task Bad_form_posts_get_the_error_page_and_change_nothing(string why, string body)
    {
        var before = await StorageSnapshot.TakeAsync(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        var response = await server.NoRedirects.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode} {text}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Your comment was not posted", text, StringComparison.Ordinal);
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Fact]
    public async Task Absent_duplicated_and_foreign_headers_get_4xx_and_change_nothing()
    {
        var before = await StorageSnapshot.TakeAsync(server);
        var body = Encoding.UTF8.GetBytes(Valid().ToJsonString());
        HttpRequestMessage Post(string? contentType)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments") { Content = new ByteArrayContent(body) };
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            return request;
        }

        var noContentType = Post(null);
        var textPlain = Post("text/plain");
        var twoContentTypes = Post("application/json");
        twoContentTypes.Content!.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        var foreignOrigin = Post("application/json");
        foreignOrigin.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        var twoOrigins = Post("application/json");
        twoOrigins.Headers.TryAddWithoutValidation("Origin", [new Uri(StorageFixture.BaseUrl).GetLeftPart(UriPartial.Authority), "https://evil.example"]);
        var lying = Post("application/json");
        lying.Content!.Headers.ContentLength = 5_000_000;

        await BadRequests.AssertEachAnswersAsync(server.Client, new[]
        {
            (noContentType, HttpStatusCode.UnsupportedMediaType),
            (textPlain, HttpStatusCode.UnsupportedMediaType),
            (twoContentTypes, HttpStatusCode.UnsupportedMediaType),
            (foreignOrigin, HttpStatusCode.Forbidden),
            (twoOrigins, HttpStatusCode.Forbidden),
            (lying, HttpStatusCode.RequestEntityTooLarge),
        });
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Fact]
    public async Task A_huge_body_gets_413_and_changes_nothing()
    {
        var before = await StorageSnapshot.TakeAsync(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments")
        {
            Content = new StringContent(With("comment", new string('c', 2_000_000)).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }
}
