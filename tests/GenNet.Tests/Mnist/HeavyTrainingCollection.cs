namespace GenNet.Tests.Mnist;

/// <summary>
/// The training tests keep both cores busy for seconds; they run on their own, after the parallel tests, so that
/// timing-sensitive tests elsewhere (downloader timeouts) do not fail on a CPU they saturate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTrainingCollection
{
    public const string Name = "Heavy training";
}
