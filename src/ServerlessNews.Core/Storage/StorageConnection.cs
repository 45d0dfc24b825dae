using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace ServerlessNews.Storage;

/// <summary>
/// Registers the Blob, Queue and Table clients from the same setting the Functions host reads:
/// <c>AzureWebJobsStorage</c> as a connection string locally (Azurite), or
/// <c>AzureWebJobsStorage__accountName</c> (+ <c>__credential</c>/<c>__clientId</c>) with a managed identity in Azure.
/// </summary>
public static class StorageConnection
{
    public const string SettingName = "AzureWebJobsStorage";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[SettingName]) ||
        !string.IsNullOrWhiteSpace(configuration[$"{SettingName}:accountName"]);

    public static void AddStorageClients(this AzureClientFactoryBuilder clients, IConfiguration configuration)
    {
        // Both hosts' queue triggers expect base64 message bodies by default.
        var connectionString = configuration[SettingName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            clients.AddBlobServiceClient(connectionString);
            clients.AddQueueServiceClient(connectionString).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
            clients.AddTableServiceClient(connectionString);
            return;
        }
        var section = configuration.GetSection(SettingName);
        var account = section["accountName"]
            ?? throw new InvalidOperationException($"Set {SettingName} (a connection string) or {SettingName}__accountName (managed identity).");
        clients.AddBlobServiceClient(ServiceUri(section, "blob", account));
        clients.AddQueueServiceClient(ServiceUri(section, "queue", account)).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
        clients.AddTableServiceClient(ServiceUri(section, "table", account));
        clients.UseCredential(Credential(section));
    }

    private static Uri ServiceUri(IConfigurationSection section, string service, string account) =>
        new(section[$"{service}ServiceUri"] ?? $"https://{account}.{service}.core.windows.net");

    private static TokenCredential Credential(IConfigurationSection section) =>
        string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(section["clientId"]
                ?? throw new InvalidOperationException("Set AzureWebJobsStorage__clientId to the user-assigned identity's client id.")))
            : new DefaultAzureCredential();
}
