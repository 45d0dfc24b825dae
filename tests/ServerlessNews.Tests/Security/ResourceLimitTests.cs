using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Deployment;
using ServerlessNews.Tests.Infrastructure;
using ServerlessNews.Tests.Publishing;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// Input that costs far more than its size: a YAML alias bomb in front matter, an inbox file of any size, and a
/// theme override whose loops never end. Each is refused or bounded, with the reason in <c>rejected/</c> or the log.
/// The DevServer's own services handle them, so that its log is what the test reads.
/// </summary>
public sealed class ResourceLimitTests(LogCapturingFixture server) : IClassFixture<LogCapturingFixture>
{
    /// <summary>Long enough for a correct run on a loaded machine, short enough to stop a runaway one.</summary>
    private static readonly TimeSpan Runaway = TimeSpan.FromSeconds(60);

    private T Host<T>() where T : notnull => server.App.Services.GetRequiredService<T>();

    /// <summary>Uploads a file to inbox/ and plays the blob trigger on it, as the hosts bind it.</summary>
    private async Task DropAsync(string name, byte[] content)
    {
        var blob = server.Container(StorageNames.InboxContainer).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        await Task.Run(() => Host<InboxHandler>().HandleAsync(name, blob, CancellationToken.None)).WaitAsync(Runaway);
    }

    private async Task<JsonElement> RejectionAsync(string name)
    {
        var rejected = server.Container(StorageNames.RejectedContainer);
        Assert.True(await rejected.GetBlobClient(name).ExistsAsync(), $"rejected/{name} exists");
        Assert.False(await server.Container(StorageNames.InboxContainer).GetBlobClient(name).ExistsAsync(), $"inbox/{name} is gone");
        return JsonDocument.Parse((await rejected.GetBlobClient(name + ".problem.json").DownloadContentAsync()).Value.Content.ToString()).RootElement;
    }

    [Fact]
    public async Task A_front_matter_alias_bomb_is_rejected_without_being_expanded()
    {
        // Seven levels of nine: 4.8 million strings once expanded (each further level multiplies by nine).
        var yaml = new StringBuilder("---\nid: alias-bomb\nl0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level < 7; level++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"l{level}: &l{level} [{string.Join(",", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        }
        yaml.Append("---\nBody.\n");
        var before = await StorageSnapshot.TakeAsync(server);

        await DropAsync("alias-bomb.md", Encoding.UTF8.GetBytes(yaml.ToString()));

        var problem = await RejectionAsync("alias-bomb.md");
        Assert.Contains("alias", problem.GetProperty("errors").GetProperty("frontMatter")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Fact]
    public async Task An_inbox_file_over_the_size_limit_is_moved_aside_unread()
    {
        // A valid article, larger than the webhook's body limit (Webhooks__MaxBodyBytes, 1 MiB).
        var big = TestArticles.Valid("too-big-to-drop").WithBody("markdown", new string('x', 1536 * 1024));
        var bytes = Encoding.UTF8.GetBytes(big.ToJsonString());
        var before = await StorageSnapshot.TakeAsync(server);

        await DropAsync("too-big.json", bytes);

        var problem = await RejectionAsync("too-big.json");
        Assert.Contains("1048576", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        var moved = await server.Container(StorageNames.RejectedContainer).GetBlobClient("too-big.json").GetPropertiesAsync();
        Assert.Equal(bytes.Length, moved.Value.ContentLength);
        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Theory]
    [InlineData("nested-loops", "{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}")]
    [InlineData("huge-range", "{% for a in (1..100000000) %}{% endfor %}")]
    [InlineData("runtime-error", "<h1>{{ article.headline | divided_by: 0 }}</h1>")]
    public async Task A_runaway_or_failing_theme_override_falls_back_to_the_default_theme_and_is_logged(string what, string template)
    {
        var id = "override-" + what;
        var overrides = server.Container(StorageNames.TemplatesContainer);
        await overrides.UploadBlobAsync("article.liquid", BinaryData.FromString(template));
        var logged = server.Lines.Count;
        try
        {
            var response = await server.Client.SendAsync(Webhook.SignedDelivery(TestArticles.Valid(id))).WaitAsync(Runaway);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await Task.Run(() => server.DrainPublishQueueAsync(server.App.Services)).WaitAsync(Runaway);

            var page = Html.Parse((await server.PageAsync($"/world/2026/11/27/{id}/"))!);
            Assert.Equal("Harbour bridge reopens after repairs", page.QuerySelector("h1")!.TextContent);
            Assert.Equal("published", (await server.StatusAsync(id)).GetProperty("state").GetString());
            Assert.Contains(server.Lines.Skip(logged), line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("article.liquid", StringComparison.Ordinal));
        }
        finally
        {
            await overrides.DeleteBlobIfExistsAsync("article.liquid");
        }
    }
}
