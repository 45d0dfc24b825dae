using Azure;
using Microsoft.AspNetCore.Http;

namespace ServerlessNews.Http;

/// <summary>RFC 9457 problem responses shared by every endpoint.</summary>
public static class Problems
{
    public static IResult Status(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static IResult Validation(Dictionary<string, string[]> errors, string detail = "One or more fields are invalid; nothing was stored.") =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "The request has invalid fields.");

    /// <summary>Sets the response's <c>Retry-After</c> to <paramref name="wait"/> in whole seconds, rounded up, and returns them (for a 429's detail).</summary>
    public static int SetRetryAfter(HttpRequest request, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return seconds;
    }

    public static IResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, "Not found.", detail);

    public static IResult StorageUnavailable() =>
        Status(StatusCodes.Status503ServiceUnavailable, "Storage is unavailable.",
            "Nothing was stored. Retry the same request later; repeating it is safe.");

    /// <summary>
    /// True for a storage failure the caller should retry (network down, throttled, server error),
    /// as opposed to a bug. The answer is then 503 (<see cref="ExceptionProblems"/>), never a 2xx for something not stored.
    /// </summary>
    public static bool IsStorageOutage(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException => true,
        AggregateException a => a.InnerExceptions.All(IsStorageOutage),
        _ => e.InnerException is not null && IsStorageOutage(e.InnerException),
    };
}
