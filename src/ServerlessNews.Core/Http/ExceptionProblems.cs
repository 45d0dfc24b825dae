using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ServerlessNews.Http;

/// <summary>
/// The one mapping from an exception an endpoint throws to the answer its caller gets, which both hosts apply
/// (the DevServer's exception handler, the Functions app's HTTP middleware) so that no handler guards itself. A
/// storage outage is 503 ProblemDetails with Retry-After: nothing was stored, and the same request may be sent
/// again. Anything else is a 500 ProblemDetails that tells nothing of the internals; the exception is logged.
/// </summary>
public sealed partial class ExceptionProblems(ILogger<ExceptionProblems> logger)
{
    /// <summary>How long a client is asked to wait before retrying after a storage outage.</summary>
    public static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(5);

    /// <param name="endpoint">What was called (a path or a function name), for the log.</param>
    public IResult Map(Exception exception, string endpoint)
    {
        if (Problems.IsStorageOutage(exception))
        {
            LogStorageOutage(exception, endpoint);
            return new RetryAfterResult(Problems.StorageUnavailable(), StorageRetryAfter);
        }
        LogFailed(exception, endpoint);
        return Problems.Status(StatusCodes.Status500InternalServerError, "The request failed.",
            "An unexpected error stopped the request. It was logged; retrying may not help.");
    }

    /// <summary>A result with a <c>Retry-After</c> header (in seconds) before it.</summary>
    private sealed class RetryAfterResult(IResult result, TimeSpan after) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return result.ExecuteAsync(httpContext);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} answered 503: storage is unavailable")]
    private partial void LogStorageOutage(Exception exception, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint} failed with an unexpected error")]
    private partial void LogFailed(Exception exception, string endpoint);
}
