namespace ServerlessNews.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The repository root (where ServerlessNews.sln is), found from the test's output folder.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessNews.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("ServerlessNews.sln not found above " + AppContext.BaseDirectory);
    }
}
