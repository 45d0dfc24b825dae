using System.Net;

namespace ServerlessNews.Tests.Infrastructure;

public static class BadRequests
{
    /// <summary>
    /// Sends each request and asserts its status and a ProblemDetails body. A request whose declared
    /// Content-Length exceeds its body may be refused by the client itself: then nothing reached the server.
    /// </summary>
    public static async Task AssertEachAnswersAsync(HttpClient client, IEnumerable<(HttpRequestMessage Request, HttpStatusCode Expected)> cases)
    {
        foreach (var (request, expected) in cases)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (HttpRequestException) when (request.Content?.Headers.ContentLength is > 1_000_000)
            {
                continue;
            }
            Assert.True(expected == response.StatusCode, $"{expected} expected: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
