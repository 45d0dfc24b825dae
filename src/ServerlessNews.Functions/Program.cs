using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerlessNews;
using ServerlessNews.Functions;
using ServerlessNews.Hosting;
using ServerlessNews.Operations;
using ServerlessNews.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseWhen<HttpProblemsMiddleware>(HttpProblemsMiddleware.IsHttpTrigger);
builder.Services.AddServerlessNews(builder.Configuration);
// Only a host that runs the refresh trigger queues again, at start, what a killed one may still hold.
builder.Services.AddHostedService<RecoveryAtStart>();
builder.Services.AddServerlessNewsTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
return await HostStartup.RunAsync(builder.Build());
