using GenNet.Data;
using GenNet.Models;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Tests.Networks;
using GenNet.Tests.Serialization;

namespace GenNet.Tests.Robustness;

/// <summary>
/// The argument checks of every public runtime entry point that the suites of each area did not already cover: each
/// bad call throws the documented exception type, and its message says what was expected.
/// </summary>
/// <remarks>
/// Already covered elsewhere, so not repeated here: short spans and negative batch/inputs for the kernels
/// (Kernels/KernelArgumentTests), optimizer hyperparameters and Step lengths (Optim/OptimizerValidationTests), the
/// generated networks' count/span/label checks (Networks/GeneratedNetworkTests), IDX and model file format errors
/// (Data/IdxReaderTests, Serialization/ModelFileTests).
/// </remarks>
public class ArgumentTests
{
    /// <summary>One bad call: what it does, the exception it must throw, and a fragment its message must contain.</summary>
    private sealed record Case(Action Call, Type Expected, string Fragment);

    private static Case Throws<T>(Action call, string fragment = "") where T : Exception => new(call, typeof(T), fragment);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        // Generated networks (TinyReluNet: 5 → 7 → 3, softmax; RegressorNet: 3 → 5 → 4 → 2, MSE).
        ["network ctor threads 0"] = Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(4, threads: 0), "between 1 and"),
        ["network ctor maxBatchSize negative"] = Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(-3), "at least 1"),
        ["network Predict count 0"] = Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(4).Predict(new float[5], new float[3], 0), "at least 1"),
        ["network Predict inputs short"] = Throws<ArgumentException>(() => new TinyReluNet(4).Predict(new float[9], new float[6], 2), "2 rows of 5 need 10"),
        ["network Evaluate count 0"] = Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(4).Evaluate(new float[5], new int[1], 0), "at least 1"),
        ["network Evaluate inputs short"] = Throws<ArgumentException>(() => new TinyReluNet(4).Evaluate(new float[9], new int[2], 2), "2 rows of 5 need 10"),
        ["network Evaluate labels short"] = Throws<ArgumentException>(() => new TinyReluNet(4).Evaluate(new float[10], new int[1], 2), "2 rows of 1 need 2"),
        ["network Evaluate label too big (second chunk)"] = Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(2).Evaluate(new float[15], [0, 1, 3], 3), "labels[2] is 3"),
        ["network ComputeGradients count int.MaxValue"] = Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(4).ComputeGradients(new float[20], new int[4], int.MaxValue), "between 1 and 4"),
        ["network TrainStep optimizer of another size"] = Throws<ArgumentException>(() => new TinyReluNet(4).TrainStep(new float[5], new int[1], 1, new Sgd(7)), "created for 7 parameters"),
        ["network use after Dispose (threads 2)"] = Throws<ObjectDisposedException>(() => { var n = new TinyReluNet(4, threads: 2); n.Dispose(); n.Forward(new float[5], new float[3]); }),
        ["regressor ComputeGradients count above max"] = Throws<ArgumentOutOfRangeException>(() => new RegressorNet(2).ComputeGradients(new float[9], new float[6], 3), "between 1 and 2"),
        ["regressor ComputeGradients targets short"] = Throws<ArgumentException>(() => new RegressorNet(2).ComputeGradients(new float[6], new float[3], 2), "2 rows of 2 need 4"),
        ["regressor TrainStep null optimizer"] = Throws<ArgumentNullException>(() => new RegressorNet(2).TrainStep(new float[3], new float[2], 1, null!)),
        ["regressor Loss count 0"] = Throws<ArgumentOutOfRangeException>(() => new RegressorNet(2).Loss(new float[3], new float[2], 0), "at least 1"),
        ["regressor Loss targets short"] = Throws<ArgumentException>(() => new RegressorNet(2).Loss(new float[9], new float[5], 3), "3 rows of 2 need 6"),
        ["regressor Forward output wrong length"] = Throws<ArgumentException>(() => new RegressorNet(2).Forward(new float[3], new float[3]), "expected OutputSize = 2"),

        // Kernels: the sizes and labels KernelArgumentTests leaves out.
        ["DenseBackwardParameters batch negative"] = Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.DenseBackwardParameters<XorNet.Layer2>(new float[16], [], new float[8], new float[2], -1)),
        ["DenseBackwardParameters workers disposed"] = Throws<ObjectDisposedException>(() => { var p = new WorkerPool(2); p.Dispose(); GenNet.Kernels.DenseBackwardParameters<XorNet.Layer2>(new float[16], [], new float[8], new float[2], 1, p); }),
        ["DenseBackwardInput workers disposed"] = Throws<ObjectDisposedException>(() => { var p = new WorkerPool(2); p.Dispose(); GenNet.Kernels.DenseBackwardInput<XorNet.Layer2>(new float[8], new float[2], new float[16], new float[8], 1, p); }),
        ["DenseBackwardInput first layer"] = Throws<InvalidOperationException>(() => GenNet.Kernels.DenseBackwardInput<XorNet.Layer1>(new float[2], new float[8], new float[16], [], 1)),
        ["Softmax classes negative"] = Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.Softmax(new float[4], new float[4], 1, -1)),
        ["Softmax z short"] = Throws<ArgumentException>(() => GenNet.Kernels.Softmax(new float[30], new float[29], 3, 10), "3 rows of 10 need 30"),
        ["CountCorrect z short"] = Throws<ArgumentException>(() => GenNet.Kernels.CountCorrect(new float[29], new int[3], 3, 10), "3 rows of 10 need 30"),
        ["CountCorrect batch negative"] = Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.CountCorrect(new float[30], new int[3], -3, 10)),
        ["CrossEntropyLoss labels short"] = Throws<ArgumentException>(() => GenNet.Kernels.CrossEntropyLoss(new float[30], new int[2], 3, 10), "3 rows of 1 need 3"),
        ["CrossEntropyLoss negative label"] = Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.CrossEntropyLoss(new float[30], [0, -1, 0], 3, 10), "0..9"),
        ["SoftmaxCrossEntropy classes 0 with a batch"] = Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.SoftmaxCrossEntropy([], [], [0], 1, 0, 1f)),

        // Optimizers: state that cannot fit one array, and the rest of the public surface.
        ["Adam parameterCount int.MaxValue"] = Throws<ArgumentOutOfRangeException>(() => new Adam(int.MaxValue), "a .NET array holds at most"),
        ["Adam parameterCount just over half an array"] = Throws<ArgumentOutOfRangeException>(() => new Adam(Array.MaxLength / 2 + 1), "needs"),
        ["AdamW parameterCount int.MaxValue"] = Throws<ArgumentOutOfRangeException>(() => new AdamW(int.MaxValue), "a .NET array holds at most"),
        ["RmsProp parameterCount int.MaxValue"] = Throws<ArgumentOutOfRangeException>(() => new RmsProp(int.MaxValue), "a .NET array holds at most"),
        ["Sgd momentum parameterCount int.MaxValue"] = Throws<ArgumentOutOfRangeException>(() => new Sgd(int.MaxValue, momentum: 0.9f), "a .NET array holds at most"),
        ["RestoreSteps negative"] = Throws<ArgumentOutOfRangeException>(() => new Sgd(3).RestoreSteps(-1)),
        ["Optimizers.Create null name"] = Throws<ArgumentNullException>(() => Optimizers.Create(null!, 3)),
        ["Optimizers.Create parameterCount 0"] = Throws<ArgumentOutOfRangeException>(() => Optimizers.Create("adam", 0)),

        // Rng and initializers.
        ["Rng.NextInt 0"] = Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextInt(0)),
        ["Rng.NextUniform NaN"] = Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextUniform(float.NaN, 1f), "finite bounds"),
        ["Rng.NextUniform infinite"] = Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextUniform(0f, float.PositiveInfinity), "finite bounds"),
        ["Rng.NextUniform low above high"] = Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextUniform(1f, 0f), "low ≤ high"),
        ["Rng.NextUniform width overflows"] = Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextUniform(-float.MaxValue, float.MaxValue), "finite width"),
        ["Rng.Restore all zero"] = Throws<ArgumentException>(() => new Rng(1).Restore(default), "all-zero"),
        ["HeUniform null rng"] = Throws<ArgumentNullException>(() => Initializers.HeUniform(new float[4], 2, null!)),
        ["HeUniform fanIn 0"] = Throws<ArgumentOutOfRangeException>(() => Initializers.HeUniform(new float[4], 0, new Rng(1))),
        ["GlorotUniform null rng"] = Throws<ArgumentNullException>(() => Initializers.GlorotUniform(new float[4], 2, 2, null!)),
        ["GlorotUniform fanOut 0"] = Throws<ArgumentOutOfRangeException>(() => Initializers.GlorotUniform(new float[4], 2, 0, new Rng(1))),

        // Arena.
        ["Arena negative length"] = Throws<ArgumentOutOfRangeException>(() => new Arena(-1)),
        ["Arena int.MaxValue"] = Throws<ArgumentOutOfRangeException>(() => new Arena(int.MaxValue), "a .NET array holds at most"),
        ["Arena.Slice negative start"] = Throws<ArgumentOutOfRangeException>(() => new Arena(8).Slice(-1, 2), "inside the arena of 8 floats"),
        ["Arena.Slice past the end"] = Throws<ArgumentOutOfRangeException>(() => new Arena(8).Slice(7, 2), "inside the arena of 8 floats"),
        ["Arena.Slice negative length"] = Throws<ArgumentOutOfRangeException>(() => new Arena(8).Slice(2, -1), "inside the arena of 8 floats"),

        // Data.
        ["IdxReader.ReadImages null path"] = Throws<ArgumentNullException>(() => IdxReader.ReadImages(null!)),
        ["IdxReader.ReadImages empty path"] = Throws<ArgumentException>(() => IdxReader.ReadImages("")),
        ["IdxReader.ReadImages directory"] = Throws<InvalidDataException>(() => IdxReader.ReadImages(Path.GetTempPath()), "a directory, not a regular file"),
        ["IdxReader.ReadLabels classCount 0"] = Throws<ArgumentOutOfRangeException>(() => IdxReader.ReadLabels("x", 0)),
        ["IdxReader.ReadLabels classCount 257"] = Throws<ArgumentOutOfRangeException>(() => IdxReader.ReadLabels("x", 257)),
        ["IdxImages null pixels"] = Throws<ArgumentNullException>(() => new IdxImages(null!, 1, 1, 1)),
        ["IdxImages negative count and rows"] = Throws<ArgumentOutOfRangeException>(() => new IdxImages(new float[1], -1, -1, 1)),
        ["IdxImages columns 0"] = Throws<ArgumentOutOfRangeException>(() => new IdxImages([], 1, 1, 0), "at least 1"),
        ["IdxImages pixel count wrong"] = Throws<ArgumentException>(() => new IdxImages(new float[5], 1, 2, 2), "need 4 pixels"),
        ["LabeledImages null labels"] = Throws<ArgumentNullException>(() => new LabeledImages(new float[4], null!, 2, 2)),
        ["LabeledImages rows 0"] = Throws<ArgumentOutOfRangeException>(() => new LabeledImages([], [], 0, 2), "at least 1"),
        ["LabeledImages pixel count wrong"] = Throws<ArgumentException>(() => new LabeledImages(new float[7], [1, 2], 2, 2), "need 8 pixels"),
        ["LabeledImages label out of range"] = Throws<ArgumentOutOfRangeException>(() => new LabeledImages(new float[8], [1, 10], 2, 2), "labels[1] is 10"),
        ["LabeledImages.Image negative"] = Throws<ArgumentOutOfRangeException>(() => TwoImages().Image(-1), "0..1"),
        ["LabeledImages.Image Count"] = Throws<ArgumentOutOfRangeException>(() => TwoImages().Image(2), "0..1"),
        ["LabeledImages.Image int.MaxValue (was OverflowException)"] = Throws<ArgumentOutOfRangeException>(() => TwoImages().Image(int.MaxValue), "0..1"),
        ["BatchSampler null data"] = Throws<ArgumentNullException>(() => new BatchSampler(null!, 2, new Rng(1))),
        ["BatchSampler null rng"] = Throws<ArgumentNullException>(() => new BatchSampler(TwoImages(), 2, null!)),
        ["BatchSampler batchSize 0"] = Throws<ArgumentOutOfRangeException>(() => new BatchSampler(TwoImages(), 0, new Rng(1)), "at least 1"),
        ["BatchSampler empty data"] = Throws<ArgumentOutOfRangeException>(() => new BatchSampler(new LabeledImages([], [], 2, 2), 1, new Rng(1)), "data.Count"),
        ["BatchSampler dropLast with batch above count"] = Throws<ArgumentOutOfRangeException>(() => new BatchSampler(TwoImages(), 3, new Rng(1), dropLast: true), "no batch at all"),
        ["BatchSampler.Restore position past the end"] = Throws<ArgumentException>(() => new BatchSampler(TwoImages(), 1, new Rng(1)).Restore(new SamplerState(1, 3, true, new Rng(2).Save())), "does not fit a data set of 2"),
        ["BatchSampler.Restore zero generator"] = Throws<ArgumentException>(() => new BatchSampler(TwoImages(), 1, new Rng(1)).Restore(new SamplerState(0, 0, false, default)), "all-zero"),
        ["MnistDataset.Load null"] = Throws<ArgumentNullException>(() => MnistDataset.Load(null!)),
        ["MnistDataset.Load empty"] = Throws<ArgumentException>(() => MnistDataset.Load("")),
        ["MnistDataset.FindFile null directory"] = Throws<ArgumentNullException>(() => MnistDataset.FindFile(null!, "x")),
        ["MnistDataset.FindMissingFiles null"] = Throws<ArgumentNullException>(() => MnistDataset.FindMissingFiles(null!)),
        ["ClassNames.ForDirectory empty"] = Throws<ArgumentException>(() => ClassNames.ForDirectory("")),
        ["MnistDownloader null directory"] = Throws<ArgumentNullException>(() => new MnistDownloader().DownloadMissingAsync(null!).GetAwaiter().GetResult()),
        ["MnistDownloader null mirrors"] = Throws<ArgumentNullException>(() => _ = new MnistDownloader { Mirrors = null! }),
        ["MnistDownloader relative mirror"] = Throws<ArgumentException>(() => _ = new MnistDownloader { Mirrors = [new Uri("mnist/", UriKind.Relative)] }, "not an absolute URI"),
        ["MnistDownloader null checksums"] = Throws<ArgumentNullException>(() => _ = new MnistDownloader { Checksums = null! }),
        ["MnistDownloader zero timeout"] = Throws<ArgumentOutOfRangeException>(() => _ = new MnistDownloader { RequestTimeout = TimeSpan.Zero }, "greater than zero"),
        ["MnistDownloader 30-day timeout"] = Throws<ArgumentOutOfRangeException>(() => _ = new MnistDownloader { RequestTimeout = TimeSpan.FromDays(30) }, "at most"),
        ["MnistDownloader MaxFileBytes 0"] = Throws<ArgumentOutOfRangeException>(() => _ = new MnistDownloader { MaxFileBytes = 0 }, "at least 1"),

        // Model files.
        ["ModelFile.Save null net"] = Throws<ArgumentNullException>(() => ModelFile.Save(null!, "m.gnet")),
        ["ModelFile.Save null path"] = Throws<ArgumentNullException>(() => ModelFile.Save(new FakeNetwork(2), null!)),
        ["ModelFile.Save empty path"] = Throws<ArgumentException>(() => ModelFile.Save(new FakeNetwork(2), "")),
        ["ModelFile.Save root directory"] = Throws<ArgumentException>(() => ModelFile.Save(new FakeNetwork(2), "/"), "root directory"),
        ["ModelFile.Save missing directory"] = Throws<DirectoryNotFoundException>(() => ModelFile.Save(new FakeNetwork(2), Path.Combine(Path.GetTempPath(), "gennet-no-such-dir-" + Guid.NewGuid().ToString("N"), "m.gnet"))),
        ["ModelFile.Save architecture too long"] = Throws<ArgumentException>(() => ModelFile.Save(new FakeNetwork(2, new string('x', ModelFile.MaxArchitectureBytes + 1)), "m.gnet"), "at most 65536"),
        ["ModelFile.Load null net"] = Throws<ArgumentNullException>(() => ModelFile.Load(null!, "m.gnet")),
        ["ModelFile.Load empty path"] = Throws<ArgumentException>(() => ModelFile.Load(new FakeNetwork(2), "")),
        ["ModelFile.Load directory"] = Throws<InvalidDataException>(() => ModelFile.Load(new FakeNetwork(2), Path.GetTempPath()), "a directory, not a regular file"),
        ["ModelFile.Load arena shorter than its count"] = Throws<ArgumentException>(() => ModelFile.Load(new LyingNetwork(), "m.gnet"), "arena holds 2"),
    };

    public static TheoryData<string> Cases() => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_argument_throws_the_documented_exception_saying_what_was_expected(string call)
    {
        Case c = s_cases[call];
        Exception? e = Record.Exception(c.Call);
        Assert.NotNull(e);
        Assert.True(e.GetType() == c.Expected, $"{call}: expected {c.Expected.Name}, got {e.GetType().Name}: {e.Message}");
        Assert.Contains(c.Fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_TrainStep_leaves_the_parameters_alone()
    {
        var net = new TinyReluNet(4, seed: 1);
        float[] before = net.Parameters.ToArray();
        Assert.Throws<ArgumentException>(() => net.TrainStep(new float[5], new int[1], 1, new Sgd(7)));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Arena_slices_inside_the_arena_still_work()
    {
        var arena = new Arena(8);
        Assert.Equal(8, arena.Slice(0, 8).Length);
        Assert.Equal(0, arena.Slice(8, 0).Length);
        arena.Slice(6, 2).Fill(3f);
        Assert.Equal(3f, arena.Span[7]);
    }

    [Fact]
    public void A_huge_batch_size_is_served_from_buffers_sized_by_the_data()
    {
        // Used to be checked(batchSize × Features): an OverflowException for any batch size above int.MaxValue / Features.
        var sampler = new BatchSampler(TwoImages(), int.MaxValue, new Rng(1));
        Assert.True(sampler.TryNextBatch(out ReadOnlySpan<float> x, out ReadOnlySpan<int> y, out int count));
        Assert.Equal(2, count);
        Assert.Equal(8, x.Length);
        Assert.Equal(2, y.Length);
        Assert.False(sampler.TryNextBatch(out _, out _, out _));
    }

    [Fact]
    public void Glorot_with_fan_sizes_summing_past_int_MaxValue_stays_finite()
    {
        var w = new float[16];
        Initializers.GlorotUniform(w, int.MaxValue, int.MaxValue, new Rng(3));
        Assert.All(w, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Uniform_draws_with_equal_bounds_give_the_bound()
        => Assert.Equal(2f, new Rng(1).NextUniform(2f, 2f));

    [Fact]
    public void A_failed_save_into_a_missing_directory_leaves_nothing()
    {
        using var dir = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Save(new FakeNetwork(2), Path.Combine(dir.Path, "missing", "m.gnet")));
        Assert.Empty(dir.Names());
    }

    private static LabeledImages TwoImages() => new(new float[8], [3, 7], 2, 2);

    /// <summary>A network whose arena is shorter than the count it reports (a broken INetwork implementation).</summary>
    private sealed class LyingNetwork : INetwork
    {
        private readonly float[] _parameters = new float[2];
        public int InputSize => 1;
        public int OutputSize => 1;
        public int ParameterCount => 5;
        public int MaxBatchSize => 1;
        public int Threads => 1;
        public Rng? TrainingRng => null;
        public string Architecture => "Input(1) Dense(1) MeanSquaredError";
        public ulong ArchitectureHash => 1;
        public NetworkDescription Description => throw new NotSupportedException();
        public Span<float> Parameters => _parameters;
        public Span<float> Gradients => _parameters;
        public void Forward(ReadOnlySpan<float> input, Span<float> output) { }
        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count) { }
        public void Dispose() { }
    }
}
