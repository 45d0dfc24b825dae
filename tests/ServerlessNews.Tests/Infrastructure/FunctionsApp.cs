using System.Diagnostics;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>
/// The Functions app published as `azd deploy` publishes it, once per test run, into the test's output folder,
/// and the Azure Functions host built from its public sources in <c>../shared/functions-host</c> that runs it.
/// </summary>
public static class FunctionsApp
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    // The test project references the Functions app (through the DevServer), so building the tests built it in
    // their configuration: publishing that build (--no-build) takes seconds where building it again in Release
    // took one to two minutes on a busy machine, and lays out the same files.
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The folder <c>run.sh</c> takes: host.json, worker.config.json, functions.metadata and the app.</summary>
    public static Task<string> PublishedAsync() => Published.Value;

    /// <summary>The host's folder: build.sh (cached by the sources' hash) and run.sh.</summary>
    public static string HostFolder { get; } = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "functions-host"));

    public static string RunScript => File.Exists(Path.Combine(HostFolder, "run.sh"))
        ? Path.Combine(HostFolder, "run.sh")
        : throw new InvalidOperationException(
            $"The Azure Functions host is not at {HostFolder} (the repository expects it at ../shared/functions-host; see docs/local-development.md).");

    private static async Task<string> PublishAsync()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "functions-app");
        var stopwatch = Stopwatch.StartNew();
        var (exitCode, log) = await Command.RunAsync("dotnet", ["publish", "src/ServerlessNews.Functions", "-c", Configuration, "--no-build", "-o", output, "--nologo"]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the Functions app failed ({exitCode}):\n{log}");
        }
        // The host is built once and cached by build.sh; on a fresh machine this is where it happens.
        (exitCode, log) = await Command.RunAsync("bash", [Path.Combine(HostFolder, "build.sh")]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Building the Functions host failed ({exitCode}):\n{log}");
        }
        TestContext.Current.SendDiagnosticMessage($"Published the Functions app and found the host in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return output;
    }
}
