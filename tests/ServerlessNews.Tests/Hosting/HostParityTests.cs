using System.Reflection;
using Microsoft.AspNetCore.Routing;
using ServerlessNews.DevServer;
using ServerlessNews.Tests.Infrastructure;
using Worker = Microsoft.Azure.Functions.Worker;

namespace ServerlessNews.Tests.Hosting;

/// <summary>The DevServer exposes every HTTP route and queue trigger the Functions app declares, and no other.</summary>
public sealed class HostParityTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    private static IEnumerable<ParameterInfo> TriggerParameters() =>
        FunctionRoutes.FunctionClasses()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<Worker.FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters());

    [Fact]
    public void Every_http_function_has_the_same_route_and_method_on_the_DevServer()
    {
        var functions = TriggerParameters()
            .Select(p => p.GetCustomAttribute<Worker.HttpTriggerAttribute>())
            .OfType<Worker.HttpTriggerAttribute>()
            .SelectMany(a => a.Methods!.Select(m => $"{m.ToUpperInvariant()} /api/{a.Route}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("GET /api/articles", functions);
        Assert.Contains("DELETE /api/articles/{id}", functions);

        var devServer = ((IEndpointRouteBuilder)server.App).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(functions, devServer);
    }

    [Fact]
    public void Every_queue_function_has_a_WebJobs_listener_on_the_same_queue()
    {
        var functions = TriggerParameters()
            .Select(p => p.GetCustomAttribute<Worker.QueueTriggerAttribute>()?.QueueName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains(ServerlessNews.Storage.StorageNames.RefreshQueue, functions);
        var webJobs = typeof(WebJobsTriggers).GetMethods()
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<Microsoft.Azure.WebJobs.QueueTriggerAttribute>()?.QueueName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

        Assert.Equal(functions, webJobs);
    }
}
