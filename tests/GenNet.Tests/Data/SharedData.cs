namespace GenNet.Tests.Data;

/// <summary>Where the read-only shared data sets live, relative to the repository root (the folder holding GenNet.sln).</summary>
public static class SharedData
{
    public static string? RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>../shared/data/mnist</c> beside the repository, or null when there is no repository root.</summary>
    public static string? MnistDirectory => RepoRoot is null ? null : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "mnist"));

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    public static bool HasAllFiles(string? directory) =>
        directory is not null && Directory.Exists(directory) && GenNet.Data.MnistDataset.FindMissingFiles(directory).Count == 0;

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenNet.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
