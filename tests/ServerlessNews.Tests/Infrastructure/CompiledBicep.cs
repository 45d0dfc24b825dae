using System.Text.Json;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>infra/main.bicep compiled to ARM JSON by eng/bicep/build.sh (which lints it too), once per test run.</summary>
public static class CompiledBicep
{
    private static readonly Lazy<Task<JsonElement>> Main = new(CompileAsync);

    public static Task<JsonElement> MainAsync() => Main.Value;

    private static async Task<JsonElement> CompileAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), $"serverlessnews-main-{Guid.NewGuid():N}.json");
        var (exitCode, log) = await Command.RunAsync("bash", ["eng/bicep/build.sh", output]);
        Assert.True(exitCode == 0, log);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
        return document.RootElement.Clone();
    }

    /// <summary>A template's resources, whether it lists them (an array) or names them (symbolic names).</summary>
    public static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray() : resources.EnumerateObject().Select(p => p.Value);
    }

    /// <summary>The deployment of a module of main.bicep.</summary>
    public static JsonElement Module(JsonElement main, string name) =>
        Resources(main).Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == name);

    /// <summary>The template of a module of main.bicep.</summary>
    public static JsonElement ModuleTemplate(JsonElement main, string name) => Module(main, name).GetProperty("properties").GetProperty("template");

    /// <summary>The resources of one type in a template.</summary>
    public static IReadOnlyList<JsonElement> OfType(JsonElement template, string type) =>
        Resources(template).Where(r => r.GetProperty("type").GetString() == type).ToArray();
}
