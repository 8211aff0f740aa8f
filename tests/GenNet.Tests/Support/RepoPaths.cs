namespace GenNet.Tests;

/// <summary>The repository root (the folder holding GenNet.sln), for tests that need files beside the sources.</summary>
internal static class RepoPaths
{
    public static string Root => Data.SharedData.RepoRoot
        ?? throw new InvalidOperationException($"No GenNet.sln above {AppContext.BaseDirectory}.");
}
