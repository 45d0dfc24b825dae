using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServerlessNews.Moderation;
using ServerlessNews.Tests.Infrastructure;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Tests.Hosts;

/// <summary>
/// One set of local development values: what `func start` reads (local.settings.sample.json), what the DevServer
/// reads (appsettings.json), what the .http files send and what eng/post-article.sh signs with are the same, and
/// the app accepts them at start.
/// </summary>
public sealed partial class LocalSettingsTests
{
    private static string Read(string path) => File.ReadAllText(Path.Combine(Repository.Root, path));

    private static readonly JsonElement Sample =
        JsonDocument.Parse(Read("src/ServerlessNews.Functions/local.settings.sample.json")).RootElement.GetProperty("Values");

    private static readonly JsonElement DevServer = JsonDocument.Parse(Read("src/ServerlessNews.DevServer/appsettings.json")).RootElement;

    private static string SampleValue(string name) => Sample.GetProperty(name).GetString()!;

    private static string DevServerValue(string section, string name) => DevServer.GetProperty(section).GetProperty(name).GetString()!;

    [GeneratedRegex(@"WEBHOOK_SECRET:-(?<secret>whsec_[A-Za-z0-9+/=]+)\}")]
    private static partial Regex PostArticleSecret();

    [GeneratedRegex(@"^@moderationKey = (?<key>\S+)$", RegexOptions.Multiline)]
    private static partial Regex HttpModerationKey();

    [Fact]
    public void The_sample_settings_the_DevServer_the_http_files_and_the_script_use_the_same_secrets()
    {
        var secret = SampleValue("Webhooks__Secret");
        Assert.Equal(secret, DevServerValue("Webhooks", "Secret"));
        Assert.Equal(secret, PostArticleSecret().Match(Read("eng/post-article.sh")).Groups["secret"].Value);

        var key = SampleValue("Moderation__Key");
        Assert.Equal(key, DevServerValue("Moderation", "Key"));
        Assert.Equal(key, HttpModerationKey().Match(Read("src/ServerlessNews.Functions/comments.http")).Groups["key"].Value);
        Assert.Equal(key, HttpModerationKey().Match(Read("src/ServerlessNews.Functions/moderation.http")).Groups["key"].Value);

        // Locally the hash key is derived from the moderation key on both (Azure sets its own, docs/deploy.md).
        Assert.False(Sample.TryGetProperty("Moderation__HashKey", out _));
        Assert.False(DevServer.GetProperty("Moderation").TryGetProperty("HashKey", out _));
        Assert.Equal(SampleValue("Site__BaseUrl"), DevServerValue("Site", "BaseUrl"));
    }

    [Fact]
    public void The_app_starts_with_the_local_development_values()
    {
        Assert.True(new WebhookSecretValidation().Validate(null, new WebhookOptions { Secret = SampleValue("Webhooks__Secret") }).Succeeded);
        var moderation = new ModerationOptions { Key = SampleValue("Moderation__Key") };
        Assert.Empty(moderation.Validate(new ValidationContext(moderation)));
        Assert.Equal("UseDevelopmentStorage=true", SampleValue("AzureWebJobsStorage"));
    }
}
