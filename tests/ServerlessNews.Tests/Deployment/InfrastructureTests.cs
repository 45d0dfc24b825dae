using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Deployment;

/// <summary>
/// What `azd up` would do, read from the compiled ARM template and run from the hook scripts (no Azure here):
/// secrets generated and kept in Key Vault, a provision that never needs deployed code, the region, the app's
/// real host name, and the optional Front Door.
/// </summary>
public sealed partial class InfrastructureTests
{
    private static async Task<JsonElement> MainAsync() => await CompiledBicep.MainAsync();

    private static string Raw(JsonElement element) => element.GetRawText();

    [Fact]
    public async Task The_moderation_key_and_the_hash_key_are_generated_at_provision_and_reach_the_app_from_Key_Vault()
    {
        var main = await MainAsync();
        foreach (var name in new[] { "moderationKey", "moderationHashKey" })
        {
            var parameter = main.GetProperty("parameters").GetProperty(name);
            Assert.Equal("securestring", parameter.GetProperty("type").GetString());
            Assert.Equal("generate", parameter.GetProperty("metadata").GetProperty("azd").GetProperty("type").GetString());
            Assert.True(parameter.GetProperty("minLength").GetInt32() >= 32);
        }
        var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra/main.parameters.json"))).RootElement.GetProperty("parameters");
        Assert.Equal("${MODERATION_KEY}", parameters.GetProperty("moderationKey").GetProperty("value").GetString());
        Assert.Equal("${MODERATION_HASH_KEY}", parameters.GetProperty("moderationHashKey").GetProperty("value").GetString());

        var secrets = CompiledBicep.OfType(CompiledBicep.ModuleTemplate(main, "keyvault"), "Microsoft.KeyVault/vaults/secrets")
            .Select(s => Raw(s.GetProperty("name"))).ToArray();
        Assert.Equal(3, secrets.Length);
        Assert.Contains(secrets, s => s.Contains("moderation-key", StringComparison.Ordinal));
        Assert.Contains(secrets, s => s.Contains("moderation-hash-key", StringComparison.Ordinal));

        // Two secrets, two references: rotating the API key leaves the hash key as it is.
        var settings = Assert.Single(CompiledBicep.OfType(CompiledBicep.ModuleTemplate(main, "api"), "Microsoft.Web/sites/config")).GetProperty("properties");
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", Raw(settings.GetProperty("Moderation__Key")), StringComparison.Ordinal);
        Assert.Contains("moderationKeySecretUri", Raw(settings.GetProperty("Moderation__Key")), StringComparison.Ordinal);
        Assert.Contains("moderationHashKeySecretUri", Raw(settings.GetProperty("Moderation__HashKey")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_moderation_routes_have_no_host_key_to_create_after_a_deploy()
    {
        // The one gate is the app's own key (Moderation__Key): no function or host key is created by Bicep or by hand.
        var output = await FunctionsApp.PublishedAsync();
        var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "functions.metadata"))).RootElement;
        var moderation = metadata.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger" && b.GetProperty("route").GetString()!.StartsWith("moderation", StringComparison.Ordinal))
            .ToArray();
        Assert.NotEmpty(moderation);
        Assert.All(moderation, b => Assert.Equal("Anonymous", b.GetProperty("authLevel").GetString()));
    }

    [Fact]
    public async Task A_provision_never_needs_deployed_code_so_up_down_up_and_a_copied_environment_provision_alike()
    {
        var main = await MainAsync();
        // The only resource that needs the deployed app (its blobs_extension key, Event Grid's handshake) is in the
        // inbox-events module, deployed only when inboxEventsSubscribe is true: false unless the postdeploy hook sets it.
        var keysRead = CompiledBicep.Resources(main)
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && Raw(r).Contains("listKeys(", StringComparison.Ordinal))
            .Select(r => r.GetProperty("name").GetString()!)
            .ToArray();
        Assert.Equal(["inbox-events"], keysRead);
        Assert.Equal("[parameters('inboxEventsSubscribe')]", CompiledBicep.Module(main, "inbox-events").GetProperty("condition").GetString());
        Assert.False(main.GetProperty("parameters").GetProperty("inboxEventsSubscribe").GetProperty("defaultValue").GetBoolean());
        var parameters = File.ReadAllText(Path.Combine(Repository.Root, "infra/main.parameters.json"));
        Assert.Contains("\"${INBOX_EVENTS_SUBSCRIBE=false}\"", parameters, StringComparison.Ordinal);
    }

    /// <summary>Runs infra/hooks/postdeploy.sh with a stand-in azd that records each call and fails the first provisions.</summary>
    private static async Task<(int ExitCode, string[] Calls, string LastValue)> RunHookAsync(int failingProvisions)
    {
        var folder = Directory.CreateTempSubdirectory("serverlessnews-hook-");
        try
        {
            var log = Path.Combine(folder.FullName, "calls");
            var env = Path.Combine(folder.FullName, "env");
            var azd = Path.Combine(folder.FullName, "azd");
            await File.WriteAllTextAsync(azd, $$"""
                #!/bin/sh
                # A stand-in for azd: 'env set' records the value, 'provision' records what it would deploy with.
                case "$1" in
                  env) echo "env set $3 $4" >> '{{log}}'; echo "$4" > '{{env}}' ;;
                  provision)
                    echo "provision $2 with INBOX_EVENTS_SUBSCRIBE=$(cat '{{env}}')" >> '{{log}}'
                    [ "$(grep -c '^provision' '{{log}}')" -gt {{failingProvisions}} ] ;;
                esac
                """);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var (exitCode, _) = await Command.RunAsync("sh", ["infra/hooks/postdeploy.sh"], new Dictionary<string, string>
            {
                ["PATH"] = folder.FullName + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["INBOX_EVENTS_RETRY_DELAY"] = "0",
            });
            return (exitCode, await File.ReadAllLinesAsync(log), (await File.ReadAllTextAsync(env)).Trim());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_postdeploy_hook_subscribes_the_inbox_for_its_own_provision_only()
    {
        var (exitCode, calls, last) = await RunHookAsync(failingProvisions: 0);

        Assert.Equal(0, exitCode);
        Assert.Equal(["env set INBOX_EVENTS_SUBSCRIBE true", "provision --no-prompt with INBOX_EVENTS_SUBSCRIBE=true", "env set INBOX_EVENTS_SUBSCRIBE false"], calls);
        Assert.Equal("false", last);
    }

    [Fact]
    public async Task The_postdeploy_hook_retries_a_host_not_ready_yet_and_never_leaves_the_subscription_switched_on()
    {
        var retried = await RunHookAsync(failingProvisions: 2);
        Assert.Equal(0, retried.ExitCode);
        Assert.Equal(3, retried.Calls.Count(c => c.StartsWith("provision", StringComparison.Ordinal)));
        Assert.Equal("false", retried.LastValue);

        var failed = await RunHookAsync(failingProvisions: 3);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Equal(3, failed.Calls.Count(c => c.StartsWith("provision", StringComparison.Ordinal)));
        Assert.Equal("false", failed.LastValue); // the next `azd up` on a fresh app provisions without it
    }

    [Fact]
    public async Task The_shell_scripts_pass_shellcheck()
    {
        string[] scripts = ["infra/hooks/postdeploy.sh", "eng/test.sh", "eng/install.sh", "eng/bench.sh", "eng/post-article.sh", "eng/bicep/build.sh", ".ci/run"];

        var (exitCode, output) = await Command.RunAsync("shellcheck", ["--external-sources", .. scripts]);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task The_region_is_restricted_to_regions_that_offer_Flex_Consumption()
    {
        var location = (await MainAsync()).GetProperty("parameters").GetProperty("location");
        var allowed = location.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToArray();

        Assert.Contains("eastus", allowed);
        Assert.Contains("westeurope", allowed);
        Assert.Equal(allowed.Distinct().Order(StringComparer.Ordinal), allowed);
        // Not a canary or a region without Flex Consumption (e.g. the sovereign and restricted ones).
        Assert.DoesNotContain("eastus2euap", allowed);
        Assert.DoesNotContain("usgovvirginia", allowed);
        Assert.Equal("location", location.GetProperty("metadata").GetProperty("azd").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_comment_form_posts_to_the_apps_real_host_name_or_to_Front_Door()
    {
        var settings = Assert.Single(CompiledBicep.OfType(CompiledBicep.ModuleTemplate(await MainAsync(), "api"), "Microsoft.Web/sites/config")).GetProperty("properties");
        var apiBaseUrl = Raw(settings.GetProperty("Comments__ApiBaseUrl"));

        // Flex Consumption may give an app a unique default host name: never '<name>.azurewebsites.net' built by hand.
        Assert.Contains("defaultHostName", apiBaseUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("azurewebsites.net", apiBaseUrl, StringComparison.Ordinal);
        Assert.Contains("apiBaseUrl", apiBaseUrl, StringComparison.Ordinal);
        var api = CompiledBicep.Module(await MainAsync(), "api").GetProperty("properties").GetProperty("parameters");
        Assert.Contains("front-door", Raw(api.GetProperty("apiBaseUrl")), StringComparison.Ordinal);
    }

    /// <summary>An inline script the browser runs: any attributes but a source or a data type (JSON-LD is data, not script).</summary>
    [GeneratedRegex("<script(?![^>]*\\b(?:src|type)=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    private static JsonElement HeadersRule(JsonElement main) =>
        Assert.Single(CompiledBicep.OfType(CompiledBicep.ModuleTemplate(main, "front-door"), "Microsoft.Cdn/profiles/ruleSets/rules"));

    /// <summary>The headers of Front Door's rule, the Content-Security-Policy as main.bicep's default gives it.</summary>
    private static Dictionary<string, string> FrontDoorHeaders(JsonElement main)
    {
        var csp = main.GetProperty("parameters").GetProperty("contentSecurityPolicy").GetProperty("defaultValue").GetString()!;
        return HeadersRule(main).GetProperty("properties").GetProperty("actions").EnumerateArray()
            .Select(a => a.GetProperty("parameters"))
            .ToDictionary(
                p => p.GetProperty("headerName").GetString()!,
                p => p.GetProperty("value").GetString() is { } value && value.StartsWith('[') ? csp : p.GetProperty("value").GetString()!);
    }

    [Fact]
    public async Task Front_Door_sends_the_security_headers_the_static_website_cannot()
    {
        var main = await MainAsync();
        Assert.Equal("[parameters('frontDoorEnabled')]", CompiledBicep.Module(main, "front-door").GetProperty("condition").GetString());

        var headers = FrontDoorHeaders(main);

        Assert.Equal("nosniff", headers["X-Content-Type-Options"]);
        Assert.Contains(headers["Referrer-Policy"], new[] { "strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer" });
        Assert.Matches(@"^max-age=(\d{8,})", headers["Strict-Transport-Security"]); // a year or more
        var csp = headers["Content-Security-Policy"];
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Front_Doors_Content_Security_Policy_lets_the_themes_own_inline_scripts_run()
    {
        var csp = FrontDoorHeaders(await MainAsync())["Content-Security-Policy"];
        var theme = typeof(global::ServerlessNews.Publishing.PublishingPipeline).Assembly;
        var scripts = theme.GetManifestResourceNames().Where(n => n.StartsWith("Theme/", StringComparison.Ordinal) && n.EndsWith(".liquid", StringComparison.Ordinal))
            .SelectMany(n =>
            {
                using var reader = new StreamReader(theme.GetManifestResourceStream(n)!);
                return InlineScript().Matches(reader.ReadToEnd()).Select(m => m.Groups["body"].Value);
            })
            .ToArray();

        Assert.NotEmpty(scripts);
        Assert.All(scripts, script => Assert.Contains(
            $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'", csp, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Front_Door_routes_api_to_the_app_uncached_and_everything_else_to_the_static_website()
    {
        var routes = CompiledBicep.OfType(CompiledBicep.ModuleTemplate(await MainAsync(), "front-door-routes"), "Microsoft.Cdn/profiles/afdEndpoints/routes")
            .Select(r => r.GetProperty("properties"))
            .ToDictionary(p => p.GetProperty("patternsToMatch")[0].GetString()!);

        Assert.Equal(["/*", "/api/*"], routes.Keys.Order(StringComparer.Ordinal));
        Assert.False(routes["/api/*"].TryGetProperty("cacheConfiguration", out _));
        Assert.Contains("'api'", Raw(routes["/api/*"].GetProperty("originGroup")), StringComparison.Ordinal);
        Assert.Contains("'site'", Raw(routes["/*"].GetProperty("originGroup")), StringComparison.Ordinal);
        Assert.All(routes.Values, r => Assert.Contains("SecurityHeaders", Raw(r.GetProperty("ruleSets")), StringComparison.Ordinal));
        Assert.All(routes.Values, r => Assert.Equal("HttpsOnly", r.GetProperty("forwardingProtocol").GetString()));
    }
}
