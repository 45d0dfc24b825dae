using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using ServerlessNews.Http;

namespace ServerlessNews.Functions;

/// <summary>
/// Answers an HTTP function that threw with the one mapping of exceptions to ProblemDetails (<see cref="ExceptionProblems"/>),
/// as the DevServer's exception handler does. Registered for HTTP triggers only (<see cref="IsHttpTrigger"/>): queue
/// and blob triggers let exceptions escape, so that the host retries them and finally poison-queues.
/// </summary>
public sealed class HttpProblemsMiddleware(ExceptionProblems problems) : IFunctionsWorkerMiddleware
{
    public static bool IsHttpTrigger(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(binding => binding.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase));

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            // The ASP.NET Core integration writes an IResult returned by a function; this one takes the function's place.
            context.GetInvocationResult().Value = problems.Map(exception, context.FunctionDefinition.Name);
        }
    }
}
