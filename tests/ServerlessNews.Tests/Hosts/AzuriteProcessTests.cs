using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using ServerlessNews.DevServer;

namespace ServerlessNews.Tests.Hosts;

public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task An_emulator_whose_port_is_taken_before_it_binds_it_starts_on_other_ports()
    {
        // The race a free port loses: found free, then taken by someone else before Azurite listens on it.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var attempts = new List<int>();

        await using var azurite = await AzuriteProcess.StartAsync(location: null, attempt =>
        {
            attempts.Add(attempt);
            return attempt == 1
                ? (taken, LoopbackPorts.Free(), LoopbackPorts.Free())
                : (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        }, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2], attempts);
        Assert.NotEqual(taken, azurite.BlobPort);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("started");
        Assert.True((await container.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken)).HasValue);
    }

    [Fact]
    public async Task An_emulator_that_finds_no_free_ports_fails_naming_the_ports_it_tried()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteProcess.StartAsync(location: null,
            _ => (taken, LoopbackPorts.Free(), LoopbackPorts.Free()), TestContext.Current.CancellationToken));

        Assert.Contains($"exited before listening on 127.0.0.1 ports {taken},", error.Message, StringComparison.Ordinal);
    }
}
