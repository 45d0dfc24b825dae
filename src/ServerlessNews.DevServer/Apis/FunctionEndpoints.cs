using System.Reflection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Functions;
using ServerlessNews.Http;

namespace ServerlessNews.DevServer.Apis;

/// <summary>The Functions app's HTTP functions on Kestrel, under /api like the Functions host, area by area.</summary>
public static class FunctionEndpoints
{
    public static IServiceCollection AddFunctionClasses(this IServiceCollection services)
    {
        foreach (var type in FunctionClasses())
        {
            services.AddTransient(type);
        }
        // An endpoint that throws is answered as the Functions app's middleware answers it.
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    /// <summary>Every class in the Functions app with a [Function] method.</summary>
    public static IEnumerable<Type> FunctionClasses() =>
        typeof(ArticleFunctions).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null));

    public static IEndpointRouteBuilder MapFunctionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api")
            .MapArticlesApi()
            .MapCommentsApi()
            .MapModerationApi();
        return app;
    }

    /// <summary>Core's one mapping of exceptions to ProblemDetails (<see cref="ExceptionProblems"/>), in ASP.NET Core's exception handler.</summary>
    private sealed class ProblemExceptionHandler(ExceptionProblems problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            await problems.Map(exception, httpContext.Request.Path).ExecuteAsync(httpContext);
            return true;
        }
    }
}
