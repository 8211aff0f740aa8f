using GenNet.Data;

namespace GenNet.Benchmarks;

/// <summary>
/// The data every benchmark reads: real MNIST when the files can be found, else random data of MNIST's shape. The
/// timings depend on where the zeros are (the dense kernels skip inputs that are zero across a tile's rows), so only
/// real MNIST gives the figures the README quotes.
/// </summary>
/// <remarks>
/// Looked up in <c>$GENNET_MNIST</c>, else in <c>shared/data/mnist</c> beside any parent folder of the working
/// directory (the repository's checkouts sit next to <c>shared/</c>). BenchmarkDotNet runs each benchmark in a child
/// process started in a folder under bin/, so the walk up still finds it.
/// </remarks>
internal static class BenchData
{
    public const int Features = 784;
    public const int Classes = 10;
    public const int TrainCount = 60_000;
    public const int TestCount = 10_000;
    public const int BatchSize = 128;

    /// <summary>Batch size of the narrow network's benchmark (<see cref="NarrowMlp"/>, issue #15).</summary>
    public const int NarrowBatchSize = 800;

    private static readonly Lazy<(LabeledImages Train, LabeledImages Test, string Source)> s_data = new(Load);

    public static LabeledImages Train => s_data.Value.Train;
    public static LabeledImages Test => s_data.Value.Test;

    /// <summary>Where the data came from: a directory, or "random".</summary>
    public static string Source => s_data.Value.Source;

    public static string? FindMnistDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("GENNET_MNIST");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "mnist");
            if (MnistDataset.FindMissingFiles(candidate).Count == 0)
            {
                return candidate;
            }
        }
        return null;
    }

    private static (LabeledImages, LabeledImages, string) Load()
    {
        string? directory = FindMnistDirectory();
        if (directory is not null)
        {
            MnistDataset mnist = MnistDataset.Load(directory);
            return (mnist.Train, mnist.Test, directory);
        }
        return (Random(TrainCount, seed: 1), Random(TestCount, seed: 2), "random");
    }

    private static LabeledImages Random(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * Features];
        var labels = new int[count];
        for (int i = 0; i < pixels.Length; i++)
        {
            // MNIST is mostly background: about 80% zeros, the rest in (0, 1].
            pixels[i] = rng.NextFloat() < 0.8f ? 0f : rng.NextFloat();
        }
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = rng.NextInt(Classes);
        }
        return new LabeledImages(pixels, labels, 28, 28);
    }

    /// <summary>Floating-point operations of the reference model (784-512-10), per image.</summary>
    public static class Flops
    {
        /// <summary>Forward: 2·(784·512 + 512·10) = 813,056.</summary>
        public const double Forward = 2.0 * (784 * 512 + 512 * 10);

        /// <summary>
        /// One training image: forward, weight gradients (same count as forward) and the input gradient of layer 2
        /// (2·10·512); layer 1's input gradient is never formed.
        /// </summary>
        public const double Train = 2 * Forward + 2.0 * 512 * 10;

        /// <summary>
        /// One training image of <see cref="NarrowMlp"/> (784-100-100-10, no biases): forward 2·(78,400 + 10,000 + 1,000),
        /// the same again for the weight gradients, and the input gradients of layers 2 and 3, 2·(10,000 + 1,000):
        /// 379,600 FLOP.
        /// </summary>
        public const double NarrowTrain = 4.0 * (784 * 100 + 100 * 100 + 100 * 10) + 2.0 * (100 * 100 + 100 * 10);
    }
}
