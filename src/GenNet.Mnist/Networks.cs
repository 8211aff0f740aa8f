using GenNet.Models;
using GenNet.Data;

namespace GenNet.Mnist;

/// <summary>784 → 1024 ReLU → 10: the reference network, twice as wide.</summary>
[Input(784)]
[Dense(1024, Activation.ReLU)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class MnistWide;

/// <summary>784 → 1024 ReLU → 1024 ReLU → 10.</summary>
[Input(784)]
[Dense(1024, Activation.ReLU)]
[Dense(1024, Activation.ReLU)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class MnistDeep;

/// <summary>
/// The stronger convnet: MnistConvNet with a second 64-filter convolution before the second pooling and a 256-unit
/// hidden layer, about 2.3 × its FLOPs. With <c>--shift 2 --lr-decay 0.85</c> it is the README's best MNIST configuration.
/// </summary>
[Input(1, 28, 28)]
[Conv2D(32, kernel: 3, activation: Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, kernel: 3, activation: Activation.ReLU)]
[Conv2D(64, kernel: 3, activation: Activation.ReLU)]
[MaxPool2D(2)]
[Dense(256, Activation.ReLU)]
[Dropout(0.5)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class MnistDeepConvNet;

/// <summary>The networks the app can train, by <c>--arch</c> name. Networks are compile-time types, so this is a fixed list.</summary>
internal static class Networks
{
    /// <summary>A network by name: its generated description (architecture text, hash, layers) and its constructor.</summary>
    /// <param name="DefaultOptimizer">The optimizer <c>train</c> uses when <c>--optimizer</c> is not given.</param>
    public sealed record Entry(string Name, NetworkDescription Description, Func<int, ulong, int, IClassifier> Create, string DefaultOptimizer = "rmsprop")
    {
        /// <summary>The shapes from input to output, e.g. <c>784-512-10</c>: the input, then each output of a layer with weights.</summary>
        public string Widths => string.Join('-',
            Description.Layers.Where(l => l.Weights.Length > 0).Select(l => l.Output.ToString()).Prepend(Description.Input.ToString()));
    }

    /// <summary>The networks; the first is the reference and the default.</summary>
    public static IReadOnlyList<Entry> All { get; } =
    [
        new("mlp512", MnistMlp.Description, (batch, seed, threads) => new MnistMlp(batch, seed, threads)),
        new("mlp1024", MnistWide.Description, (batch, seed, threads) => new MnistWide(batch, seed, threads)),
        new("mlp1024x2", MnistDeep.Description, (batch, seed, threads) => new MnistDeep(batch, seed, threads)),
        new("convnet", MnistConvNet.Description, (batch, seed, threads) => new MnistConvNet(batch, seed, threads), DefaultOptimizer: "adam"),
        new("convnet-deep", MnistDeepConvNet.Description, (batch, seed, threads) => new MnistDeepConvNet(batch, seed, threads), DefaultOptimizer: "adam"),
    ];

    public static string[] Names => All.Select(e => e.Name).ToArray();

    /// <summary>Refuses (exit 2) a data set whose images are not samples of the network's input shape.</summary>
    public static void CheckData(Entry entry, MnistDataset data)
    {
        if (data.Test.MismatchWith(entry.Description.Input) is { } mismatch)
        {
            throw new UserException($"{data.Directory}: {mismatch} ({entry.Name}); use a network declared for these images.");
        }
    }

    /// <summary>For <c>--help</c>: <c>mlp512 = 784-512-10 (reference), mlp1024 = 784-1024-10, …</c>.</summary>
    public static string Summary => string.Join(", ", All.Select((e, i) => $"{e.Name} = {e.Widths}" + (i == 0 ? " (reference)" : "")));

    public static Entry? ByName(string name) => All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    public static Entry? ByHash(ulong hash) => All.FirstOrDefault(e => e.Description.ArchitectureHash == hash);

    /// <summary>
    /// The architecture hash a model file claims (bytes 8..15 after the "GNNM" magic and version, see
    /// <see cref="Serialization.ModelFile"/>), or null when the file is too short or not a model file;
    /// <see cref="Serialization.ModelFile.Load"/> then reports the problem in full.
    /// </summary>
    public static ulong? PeekModelHash(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[16];
            if (file.ReadAtLeast(header, 16, throwOnEndOfStream: false) < 16 || !header[..4].SequenceEqual("GNNM"u8))
            {
                return null;
            }
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
