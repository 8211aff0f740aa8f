namespace GenNet.Tests.Data;

/// <summary>
/// A fact that is skipped, with a reason, when <c>../shared/data/mnist</c> does not hold the four files, or when the
/// test runs on none of the given <paramref name="platforms"/> (any platform when none is given).
/// </summary>
public sealed class MnistDataFactAttribute : FactAttribute
{
    public MnistDataFactAttribute(params string[] platforms)
    {
        if (!SharedData.HasAllFiles(SharedData.MnistDirectory))
        {
            Skip = $"MNIST files not found in {SharedData.MnistDirectory ?? "../shared/data/mnist (no GenNet.sln above the test binaries)"}";
        }
        else
        {
            Skip = PlatformFactAttribute.SkipReason(platforms);
        }
    }
}
