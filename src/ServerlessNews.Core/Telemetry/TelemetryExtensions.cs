using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServerlessNews.Telemetry;

public static class TelemetryExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// OpenTelemetry traces (including every Azure SDK call) and logs, exported to Azure Monitor when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. Application Insights in the Bicep accepts only
    /// Entra ID, so the exporter authenticates with the identity named in
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> ("ClientId=…;Authorization=AAD").
    /// </summary>
    public static OpenTelemetry.OpenTelemetryBuilder AddServerlessNewsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // Azure SDK clients emit activities only when this switch is on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource("Azure.*"));
        var connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (ManagedIdentityClientId(configuration[AuthenticationStringSetting]) is { } clientId)
                {
                    options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }
        return telemetry;
    }

    internal static string? ManagedIdentityClientId(string? authenticationString) =>
        authenticationString?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .FirstOrDefault();
}
