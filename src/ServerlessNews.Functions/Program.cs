using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using ServerlessNews;
using ServerlessNews.Functions;
using ServerlessNews.Hosting;
using ServerlessNews.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseWhen<HttpProblemsMiddleware>(HttpProblemsMiddleware.IsHttpTrigger);
builder.Services.AddServerlessNews(builder.Configuration);
builder.Services.AddServerlessNewsTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
return await HostStartup.RunAsync(builder.Build());
