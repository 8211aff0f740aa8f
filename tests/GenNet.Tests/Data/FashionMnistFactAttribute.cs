namespace GenNet.Tests.Data;

/// <summary>A fact that is skipped, with a reason, unless Debian's dataset-fashion-mnist package is installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!SharedData.HasAllFiles(SharedData.FashionMnistDirectory))
        {
            Skip = $"Fashion-MNIST not found in {SharedData.FashionMnistDirectory} (apt-get install dataset-fashion-mnist)";
        }
    }
}
