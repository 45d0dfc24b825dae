using System.Net;
using ServerlessNews.Moderation;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// A browser's side of the moderation console over plain HTTP: no redirects followed and no cookie jar, so each test
/// sees every 303 and sends exactly the cookie it means to.
/// </summary>
public sealed class ConsoleClient(Uri baseAddress) : IDisposable
{
    public HttpClient Http { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };

    public const string Page = ModerationConsole.Path;

    /// <summary>Signs in with the key; returns the session cookie ("name=value") and the CSRF token the console's forms carry.</summary>
    public async Task<(string Cookie, string Csrf)> SignInAsync(string key = StorageFixture.ModerationKey)
    {
        var response = await Http.SendAsync(SignIn(key));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0];
        var page = Html.Parse(await (await Http.SendAsync(Get(Page, cookie))).Content.ReadAsStringAsync());
        var csrf = page.QuerySelector("#console")?.GetAttribute("data-csrf");
        Assert.False(string.IsNullOrEmpty(csrf), "the console shows no CSRF token");
        return (cookie, csrf!);
    }

    public static HttpRequestMessage SignIn(string key) =>
        new(HttpMethod.Post, ModerationConsole.SignInPath) { Content = new FormUrlEncodedContent([new("key", key)]) };

    public static HttpRequestMessage Get(string path, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        return request;
    }

    /// <summary>A console form post (fields as the forms send them), with the cookie if given.</summary>
    public static HttpRequestMessage Post(string? cookie, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Page)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        return request;
    }

    public void Dispose() => Http.Dispose();
}
