namespace GenNet.Tests;

/// <summary>Locates the repository (the folder holding GenNet.sln) and the shared data beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenNet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No GenNet.sln above {AppContext.BaseDirectory}.");
    }
}
