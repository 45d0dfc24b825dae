using System.Reflection;
using System.Text.Json;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Deployment;

/// <summary>The Bicep compiles (Bicep CLI from NuGet, lint rules as errors) and deploys exactly the settings the code reads.</summary>
public sealed class DeploymentTests
{
    /// <summary>The names of the app settings the function app gets (app/api.bicep's appSettings, on its config resource).</summary>
    private static async Task<HashSet<string>> DeployedAppSettingsAsync()
    {
        var api = CompiledBicep.ModuleTemplate(await CompiledBicep.MainAsync(), "api");
        var config = Assert.Single(CompiledBicep.OfType(api, "Microsoft.Web/sites/config"));
        return config.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public async Task Every_setting_deployed_is_read_and_every_setting_Azure_needs_is_deployed()
    {
        var deployed = await DeployedAppSettingsAsync();
        var read = AppSettings.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(deployed.Except(read));
        Assert.Empty(AppSettings.All.Where(s => s.DeployedToAzure).Select(s => s.Name).Except(deployed));
    }

    [Fact]
    public void Every_options_property_is_a_declared_setting()
    {
        var optionsTypes = typeof(AppSettings).Assembly.GetTypes()
            .Where(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });
        var fromOptions = optionsTypes.SelectMany(t => t.GetProperties()
            .Where(p => p.CanWrite)
            .Select(p => $"{t.GetField("SectionName")!.GetRawConstantValue()}__{p.Name}"))
            .ToArray();

        Assert.NotEmpty(fromOptions);
        Assert.Empty(fromOptions.Except(AppSettings.All.Select(s => s.Name)));
    }

    [Fact]
    public async Task The_functions_app_publishes_with_every_function_in_its_metadata()
    {
        // The same publish the end-to-end tests run under the Functions host (once per test run).
        var output = await FunctionsApp.PublishedAsync();
        Assert.True(File.Exists(Path.Combine(output, "host.json")));
        var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "functions.metadata"), TestContext.Current.CancellationToken));
        var names = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToHashSet();
        var declared = typeof(Functions.ArticleFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()?.Name)
            .OfType<string>();
        Assert.Equal(declared.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }
}
