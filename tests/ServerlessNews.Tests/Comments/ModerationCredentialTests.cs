using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;

namespace ServerlessNews.Tests.Comments;

/// <summary>The moderation API's one gate, as every host asks it (the routes are anonymous to the Functions host).</summary>
public sealed class ModerationCredentialTests : IDisposable
{
    // The limit on wrong keys off: these cases are about the key alone (ModerationConsoleTests covers the limit).
    private readonly KeyAttempts _attempts = new(Options.Create(new ModerationOptions { FailedKeyLimit = 0 }));

    public void Dispose() => _attempts.Dispose();

    private static HttpRequest Request(string? header = null, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers[ModerationCredential.KeyHeader] = header;
        }
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        return context.Request;
    }

    private ModerationCredential Credential(string key) => new(Options.Create(new ModerationOptions { Key = key }), Options.Create(new CommentOptions()), _attempts);

    [Theory]
    [InlineData("a-moderation-key-of-some-length", null)]
    [InlineData(null, "Bearer a-moderation-key-of-some-length")]
    [InlineData(null, "bearer a-moderation-key-of-some-length")]
    public void The_key_passes_in_the_header_or_as_a_bearer_token(string? header, string? authorization) =>
        Assert.Null(Credential("a-moderation-key-of-some-length").Refuse(Request(header, authorization)));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("a-moderation-key-of-some-lengt", null)]
    [InlineData("a-moderation-key-of-some-length-and-more", null)]
    [InlineData(null, "Basic a-moderation-key-of-some-length")]
    [InlineData(null, "Bearer ")]
    public void Anything_else_is_refused_with_401_ProblemDetails(string? header, string? authorization)
    {
        var refused = Credential("a-moderation-key-of-some-length").Refuse(Request(header, authorization));

        var problem = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>(refused);
        Assert.Equal(StatusCodes.Status401Unauthorized, problem.StatusCode);
    }

    [Fact]
    public void With_no_key_configured_nothing_passes()
    {
        var credential = Credential("");

        Assert.NotNull(credential.Refuse(Request("")));
        Assert.NotNull(credential.Refuse(Request(authorization: "Bearer ")));
        Assert.False(credential.IsPresented(Request("anything")));
    }
}
