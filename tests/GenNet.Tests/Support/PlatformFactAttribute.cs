namespace GenNet.Tests;

/// <summary>A fact that is skipped, with a reason, unless the test runs on one of the given platforms (<see cref="OperatingSystem.IsOSPlatform"/> names).</summary>
public sealed class PlatformFactAttribute : FactAttribute
{
    public PlatformFactAttribute(params string[] platforms) => Skip = SkipReason(platforms);

    /// <summary>Null on one of <paramref name="platforms"/> (or when none is given), otherwise why the test is skipped.</summary>
    public static string? SkipReason(string[] platforms) =>
        platforms.Length == 0 || platforms.Any(OperatingSystem.IsOSPlatform) ? null : $"runs only on {string.Join(", ", platforms)}";
}
