using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.DevServer;
using ServerlessNews.Functions;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;
using WebJobs = Microsoft.Azure.WebJobs;
using Worker = Microsoft.Azure.Functions.Worker;

namespace ServerlessNews.Tests.Hosts;

/// <summary>The Functions app and the DevServer expose the same HTTP routes, queues and containers.</summary>
public sealed class HostParityTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    private static IEnumerable<MethodInfo> FunctionMethods(Assembly assembly) =>
        assembly.GetTypes().SelectMany(t => t.GetMethods()).Where(m => m.GetCustomAttribute<Worker.FunctionAttribute>() is not null);

    private static IEnumerable<T> ParameterAttributes<T>(IEnumerable<MethodInfo> methods) where T : Attribute =>
        methods.SelectMany(m => m.GetParameters()).Select(p => p.GetCustomAttribute<T>()).OfType<T>();

    [Fact]
    public void Both_hosts_serve_the_same_http_routes()
    {
        var functions = ParameterAttributes<Worker.HttpTriggerAttribute>(FunctionMethods(typeof(ArticleFunctions).Assembly))
            .SelectMany(t => t.Methods!.Select(m => $"{m.ToUpperInvariant()} /api/{t.Route}"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var devServer = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(functions);
        Assert.Equal(functions, devServer);
    }

    [Fact]
    public void Both_hosts_listen_to_the_same_queues_and_containers()
    {
        var functionMethods = FunctionMethods(typeof(ArticleFunctions).Assembly).ToArray();
        var webJobsMethods = typeof(WebJobsTriggers).GetMethods().Where(m => m.GetCustomAttribute<WebJobs.FunctionNameAttribute>() is not null).ToArray();

        Assert.Equal(
            ParameterAttributes<Worker.QueueTriggerAttribute>(functionMethods).Select(q => q.QueueName).Order(StringComparer.Ordinal),
            ParameterAttributes<WebJobs.QueueTriggerAttribute>(webJobsMethods).Select(q => q.QueueName).Order(StringComparer.Ordinal));
        Assert.Equal(
            ParameterAttributes<Worker.BlobTriggerAttribute>(functionMethods).Select(b => b.BlobPath).Order(StringComparer.Ordinal),
            ParameterAttributes<WebJobs.BlobTriggerAttribute>(webJobsMethods).Select(b => b.BlobPath).Order(StringComparer.Ordinal));
        // The trigger adapters carry the Functions app's function names; its one timer function runs in the DevServer as
        // a hosted service on the same schedule (SiteMaintenanceTimer).
        static bool TriggeredBy<T>(MethodInfo m) where T : Attribute => m.GetParameters().Any(p => p.GetCustomAttribute<T>() is not null);
        Assert.Equal([nameof(ArticleFunctions.MaintainSite)], functionMethods.Where(TriggeredBy<Worker.TimerTriggerAttribute>).Select(m => m.Name));
        Assert.Equal(
            functionMethods.Where(m => !TriggeredBy<Worker.HttpTriggerAttribute>(m) && !TriggeredBy<Worker.TimerTriggerAttribute>(m))
                .Select(m => m.GetCustomAttribute<Worker.FunctionAttribute>()!.Name).Order(StringComparer.Ordinal),
            webJobsMethods.Select(m => m.GetCustomAttribute<WebJobs.FunctionNameAttribute>()!.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_trigger_queue_and_container_is_one_the_storage_bootstrap_creates()
    {
        var methods = FunctionMethods(typeof(ArticleFunctions).Assembly).ToArray();
        Assert.All(ParameterAttributes<Worker.QueueTriggerAttribute>(methods), q => Assert.Contains(q.QueueName, StorageNames.Queues));
        Assert.All(ParameterAttributes<Worker.BlobTriggerAttribute>(methods), b => Assert.Contains(b.BlobPath.Split('/')[0], StorageNames.Containers));
    }
}
