using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>
/// The DevServer with comment settings for tests: clients may name their address in X-Forwarded-For (so
/// each test is its own reader), word lists set, the flood window off unless a class turns it on.
/// </summary>
public class CommentsFixture : DevServerFixture
{
    public const string HoldWord = "press";
    public const string SpamWord = "casino";

    protected virtual TimeSpan FloodWindow => TimeSpan.Zero;

    private int _reader;

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Comments:TrustForwardedFor"] = "true";
        settings["Comments:FloodWindow"] = FloodWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        settings["Moderation:HoldWords:0"] = HoldWord;
        settings["Moderation:SpamWords:0"] = SpamWord;
        return settings;
    }

    /// <summary>A client that shows redirects instead of following them.</summary>
    public HttpClient NoRedirects { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        NoRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Client.BaseAddress };
    }

    public override async ValueTask DisposeAsync()
    {
        NoRedirects?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A new reader: an address and an email nobody used in this class yet.</summary>
    public (string Ip, string Email) NewReader()
    {
        var n = Interlocked.Increment(ref _reader);
        return ($"198.51.{n / 250}.{n % 250 + 1}", $"reader{n}@example.test");
    }

    /// <summary>Publishes an article that takes comments (published an hour ago) and returns its page path.</summary>
    public async Task<string> PublishAsync(string id, DateTimeOffset? publishedAt = null)
    {
        var at = publishedAt ?? DateTimeOffset.UtcNow.AddHours(-1);
        await this.SubmitAsync(TestArticles.Valid(id).With("publishedAt", at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        await DrainPublishQueueAsync();
        return (await this.StatusAsync(id)).GetProperty("path").GetString()!;
    }

    public HttpRequestMessage Json(object body, string? ip = null, string path = "/api/comments")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", ip ?? NewReader().Ip);
        return request;
    }

    public HttpRequestMessage Form(IEnumerable<KeyValuePair<string, string>> fields, string? ip = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/comments") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Forwarded-For", ip ?? NewReader().Ip);
        return request;
    }

    /// <summary>Posts a comment as JSON from a new reader (unless one is given) and returns its id.</summary>
    public async Task<string> PostAsync(string articleId, string comment, string? name = null, string? email = null, string? website = null,
        string? parentId = null, string? homepage = null)
    {
        var reader = NewReader();
        var body = new JsonObject
        {
            ["articleId"] = articleId,
            ["name"] = name ?? "Ana Reader",
            ["email"] = email ?? reader.Email,
            ["comment"] = comment,
        };
        if (website is not null)
        {
            body["website"] = website;
        }
        if (parentId is not null)
        {
            body["parentId"] = parentId;
        }
        if (homepage is not null)
        {
            body["homepage"] = homepage;
        }
        var response = await NoRedirects.SendAsync(Json(body, reader.Ip));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Plays the queue trigger for <c>moderate</c>: handles every visible message.</summary>
    public Task<int> DrainModerateQueueAsync()
    {
        var moderator = Get<Moderator>();
        return DrainQueueAsync(StorageNames.ModerateQueue, m => moderator.HandleAsync(m.MessageText, CancellationToken.None));
    }

    public Task<CommentEntity?> CommentAsync(string articleId, string commentId) =>
        Get<CommentStore>().GetAsync(articleId, commentId, CancellationToken.None);

    public static HttpRequestMessage Moderation(HttpMethod method, string path, object? body = null, string? key = ModerationKey)
    {
        var request = new HttpRequestMessage(method, "/api/moderation/" + path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (key is not null)
        {
            request.Headers.Add(ModerationApiHandler.KeyHeader, key);
        }
        return request;
    }

    public async Task<JsonElement> ModerateAsync(string articleId, string commentId, string action)
    {
        var response = await Client.SendAsync(Moderation(HttpMethod.Post, $"comments/{articleId}/{commentId}/{action}"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>The same, with the default 15-second flood window.</summary>
public sealed class FloodFixture : CommentsFixture
{
    protected override TimeSpan FloodWindow => TimeSpan.FromSeconds(15);
}
