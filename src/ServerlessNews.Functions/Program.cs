using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using ServerlessNews;
using ServerlessNews.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddServerlessNews(builder.Configuration);
builder.Services.AddServerlessNewsTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();
