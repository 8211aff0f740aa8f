namespace GenNet.Tests;

/// <summary>A theory that is skipped, with a reason, unless the test runs on one of the given platforms.</summary>
public sealed class PlatformTheoryAttribute : TheoryAttribute
{
    public PlatformTheoryAttribute(params string[] platforms) => Skip = PlatformFactAttribute.SkipReason(platforms);
}
