using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServerlessNews.Http;
using ServerlessNews.Storage;

namespace ServerlessNews.Hosting;

/// <summary>
/// Runs a host (the Functions worker or the DevServer) so that a start it cannot make ends with a line a person
/// can act on, not a stack trace: one line per setting that fails validation, naming the setting, or one line
/// saying that storage did not answer; then exit code 1. The Functions host shows the worker's lines in its log.
/// Both checks run before the host starts, which would otherwise log the exception first ("Hosting failed to start").
/// </summary>
public static class HostStartup
{
    public const int FailedExitCode = 1;

    public static async Task<int> RunAsync(IHost host)
    {
        try
        {
            // What ValidateOnStart registered, and the storage the app needs (the hosted service then finds it done).
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.Services.GetRequiredService<StorageBootstrap>().EnsureCreatedAsync(CancellationToken.None);
        }
        catch (Exception e) when (Explain(e) is { Count: > 0 } lines)
        {
            foreach (var line in lines)
            {
                await Console.Error.WriteLineAsync(line);
            }
            return FailedExitCode;
        }
        await host.RunAsync();
        return 0;
    }

    /// <summary>What a failed start says: one line per invalid setting, or one for unreachable storage; empty for a bug.</summary>
    public static IReadOnlyList<string> Explain(Exception e) => e switch
    {
        OptionsValidationException invalid => invalid.Failures.Select(f => "Invalid setting: " + f).ToArray(),
        AggregateException all when all.InnerExceptions.All(i => Explain(i).Count > 0) =>
            all.InnerExceptions.SelectMany(Explain).Distinct(StringComparer.Ordinal).ToArray(),
        _ when Problems.IsStorageOutage(e) =>
            [$"Storage did not answer at start ({StorageConnection.SettingName}): {FirstLine(e.Message)}"],
        RequestFailedException refused =>
            [$"Storage refused the app at start ({StorageConnection.SettingName}): {refused.Status} {refused.ErrorCode}. In Azure, check the app identity's data roles on the account."],
        _ => [],
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
