using System.Text.RegularExpressions;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Operations;

public sealed class OperatorCommandTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    [Theory]
    [InlineData("rebuild", "rebuild")]
    [InlineData("replay", "replay-poison", "publish")]
    public async Task An_operator_command_says_so_when_storage_does_not_answer_and_exits_with_an_error(string name, params string[] args)
    {
        // The same account, on a port nothing listens on.
        var unreachable = Regex.Replace(storage.ConnectionString, @"127\.0\.0\.1:\d+", "127.0.0.1:1");
        using var command = await DevServerProcess.StartAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = unreachable }, args);

        Assert.Equal(1, await command.WaitForExitAsync());
        var output = command.Output();
        Assert.Contains($"The {name} stopped: storage failed (Connection refused", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }
}
