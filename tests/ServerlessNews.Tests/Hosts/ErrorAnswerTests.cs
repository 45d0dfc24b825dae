using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessNews.Http;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Hosts;

/// <summary>The one mapping from an exception to the answer a caller gets (both hosts use it), on its own.</summary>
public sealed class ExceptionProblemsTests
{
    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> AnswerAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await new ExceptionProblems(NullLogger<ExceptionProblems>.Instance).Map(exception, "/api/test").ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.Headers, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    public static TheoryData<Exception> Outages() =>
    [
        new RequestFailedException(503, "Server busy"),
        new RequestFailedException(500, "Internal error"),
        new RequestFailedException(429, "Throttled"),
        new RequestFailedException(0, "No response"),
        new HttpRequestException("Connection refused"),
        new AggregateException(new RequestFailedException(503, "a"), new HttpRequestException("b")),
        new InvalidOperationException("Wrapped", new RequestFailedException(503, "Server busy")),
    ];

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task A_storage_outage_is_503_problem_details_with_retry_after(Exception outage)
    {
        var (status, headers, body) = await AnswerAsync(outage);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("5", headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", headers.ContentType.ToString(), StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("Storage is unavailable.", problem.GetProperty("title").GetString());
    }

    public static TheoryData<Exception> Bugs() =>
    [
        new InvalidOperationException("secret-internal-state in C:\\build\\Handler.cs"),
        new FormatException("secret-internal-state"),
        new RequestFailedException(403, "secret-internal-state: AuthorizationFailure"),
        new RequestFailedException(409, "secret-internal-state: conflict"),
        new AggregateException(new RequestFailedException(503, "a"), new InvalidOperationException("secret-internal-state")),
    ];

    [Theory]
    [MemberData(nameof(Bugs))]
    public async Task Anything_else_is_500_problem_details_that_tell_nothing_of_the_internals(Exception bug)
    {
        Exception thrown;
        try
        {
            throw bug; // with a stack trace, as a handler's exception has one
        }
        catch (Exception e)
        {
            thrown = e;
        }
        var (status, headers, body) = await AnswerAsync(thrown);

        Assert.Equal(StatusCodes.Status500InternalServerError, status);
        Assert.Equal(0, headers.RetryAfter.Count);
        Assert.StartsWith("application/problem+json", headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret-internal-state", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(Anything_else_is_500_problem_details_that_tell_nothing_of_the_internals), body, StringComparison.Ordinal);
        Assert.DoesNotContain(bug.GetType().Name, body, StringComparison.Ordinal);
    }
}

/// <summary>The DevServer, whose storage client fails some requests the way storage and bugs fail them.</summary>
public sealed class FailingStorageFixture : DevServerFixture
{
    /// <summary>Requests for an article with this id fail as an unreachable storage account does.</summary>
    public const string OutageId = "storage-outage-here";

    /// <summary>Requests for an article with this id fail as a bug would (nothing to do with storage being down).</summary>
    public const string BugId = "internal-bug-here";

    public const string InternalDetail = "secret-internal-state";

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(new FailSome(), HttpPipelinePosition.PerCall)));

    private sealed class FailSome : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var uri = message.Request.Uri.ToString();
            if (uri.Contains(OutageId, StringComparison.Ordinal))
            {
                throw new RequestFailedException(0, "Connection refused (" + InternalDetail + ")");
            }
            if (uri.Contains(BugId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(InternalDetail + " at the heart of the handler");
            }
        }
    }
}

/// <summary>How the DevServer answers an endpoint that threw: the mapping above, from ASP.NET Core's exception handler.</summary>
public sealed class DevServerErrorAnswerTests(FailingStorageFixture server) : IClassFixture<FailingStorageFixture>
{
    [Fact]
    public async Task A_storage_failure_answers_503_with_retry_after_and_no_internals()
    {
        var response = await server.Client.GetAsync(new Uri($"/api/articles/{FailingStorageFixture.OutageId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(FailingStorageFixture.InternalDetail, body, StringComparison.Ordinal);
        Assert.Equal("Storage is unavailable.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unexpected_failure_answers_500_problem_details_without_a_stack_trace_or_message()
    {
        var response = await server.Client.GetAsync(new Uri($"/api/articles/{FailingStorageFixture.BugId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(FailingStorageFixture.InternalDetail, body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_requests_are_answered_as_usual()
    {
        var response = await server.Client.GetAsync(new Uri("/api/articles/never-published", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
