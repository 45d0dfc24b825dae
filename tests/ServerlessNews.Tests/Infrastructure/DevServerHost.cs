namespace ServerlessNews.Tests.Infrastructure;

/// <summary>The DevServer as a developer without Core Tools runs it: a process, its WebJobs triggers listening.</summary>
public sealed class DevServerHost : HostUnderTest
{
    private DevServerProcess? _process;

    /// <summary>The DevServer reads host.json's settings under "AzureWebJobs", so environment variables override them there.</summary>
    private static Dictionary<string, string> WithQueueOverrides(IDictionary<string, string> settings) =>
        new(settings.Concat(QueueOverrides("AzureWebJobs__")));

    public override async Task StartAsync(IDictionary<string, string> settings)
    {
        _process?.Dispose();
        _process = await DevServerProcess.StartAsync(WithQueueOverrides(settings), workingDirectory: null, newProcessGroup: false, port: Port);
    }

    public override async Task<string> StartFailingAsync(IDictionary<string, string> settings)
    {
        using var server = await DevServerProcess.StartAsync(WithQueueOverrides(settings), "--urls", $"http://127.0.0.1:{DevServer.LoopbackPorts.Free()}");
        var exitCode = await server.WaitForExitAsync();
        Assert.True(exitCode != 0, $"The DevServer exited with 0:\n{server.Output()}");
        return server.Output();
    }

    public override void Crash() => _process!.Crash();

    public override string Output() => _process?.Output() ?? "";

    /// <summary>Nothing to deliver: the DevServer's blob triggers poll their containers (Azurite has no Event Grid).</summary>
    protected override Task DeliverBlobCreatedAsync(string container, string name, long length) => Task.CompletedTask;

    protected override ValueTask StopHostAsync()
    {
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
