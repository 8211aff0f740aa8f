using BenchmarkDotNet.Attributes;
using GenNet.Benchmarks.Tutorial;
using GenNet.Data;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// One training step at batch 128 (forward, loss, backward, RMSprop), generated network vs the tutorial baseline.
/// Per step: 128 × 1.63 MFLOP ≈ 208 MFLOP.
/// </summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    private float[] _inputs = [];
    private int[] _labels = [];
    private MnistMlp _net1 = null!;
    private MnistMlp _net2 = null!;
    private RmsProp _opt1 = null!;
    private RmsProp _opt2 = null!;
    private TutorialNetwork _tutorial = null!;
    private TutorialRmsProp _tutorialOptimizer = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int n = BenchData.BatchSize;
        _inputs = BenchData.Train.Pixels.AsSpan(0, n * BenchData.Features).ToArray();
        _labels = BenchData.Train.Labels.AsSpan(0, n).ToArray();
        _net1 = new MnistMlp(n, seed: 1, threads: 1);
        _net2 = new MnistMlp(n, seed: 1, threads: 2);
        _opt1 = new RmsProp(MnistMlp.ParameterCount);
        _opt2 = new RmsProp(MnistMlp.ParameterCount);
        _tutorial = new TutorialNetwork(seed: 1);
        _tutorialOptimizer = new TutorialRmsProp();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _net1.Dispose();
        _net2.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Tutorial TrainStep b128")]
    public float Tutorial()
    {
        float loss = _tutorial.Gradient(_inputs, _labels, BenchData.BatchSize);
        _tutorialOptimizer.Update(_tutorial);
        return loss;
    }

    [Benchmark(Description = "GenNet TrainStep b128, 1 thread")]
    public float GenNet1() => _net1.TrainStep(_inputs, _labels, BenchData.BatchSize, _opt1);

    [Benchmark(Description = "GenNet TrainStep b128, 2 threads")]
    public float GenNet2() => _net2.TrainStep(_inputs, _labels, BenchData.BatchSize, _opt2);
}

/// <summary>
/// One full epoch: 60,000 images in 469 shuffled batches of 128 (the last of 96), RMSprop, ≈ 98.3 GFLOP. The batch
/// copy of the sampler is included, as it is in the PyTorch comparison. The tutorial baseline is left out here (it
/// takes minutes per epoch); its per-step ratio is in <see cref="TrainStepBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class EpochBenchmarks
{
    private MnistMlp _net = null!;
    private RmsProp _optimizer = null!;
    private BatchSampler _sampler = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _net = new MnistMlp(BenchData.BatchSize, seed: 1, threads: Threads);
        _optimizer = new RmsProp(MnistMlp.ParameterCount);
        _sampler = new BatchSampler(BenchData.Train, BenchData.BatchSize, new Rng(7));
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark(Description = "GenNet epoch 60k, b128")]
    public float Epoch() => RunEpoch(_net, _sampler, _optimizer);

    /// <summary>One pass of <paramref name="sampler"/> through its data; returns the last loss.</summary>
    public static float RunEpoch(IClassifier net, BatchSampler sampler, Optimizer optimizer)
    {
        float loss = 0f;
        while (sampler.TryNextBatch(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels, out int count, net.Workers))
        {
            loss = net.TrainStep(inputs, labels, count, optimizer);
        }
        return loss;
    }
}
