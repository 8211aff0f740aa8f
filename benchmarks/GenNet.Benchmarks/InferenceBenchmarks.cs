using BenchmarkDotNet.Attributes;
using GenNet.Benchmarks.Tutorial;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// Single-image Forward (softmax probabilities), 0.81 MFLOP. GenNet's one-row path skips zero inputs, so it runs on two
/// inputs: MNIST test image 0 (116 of 784 pixels non-zero) and the same image with every zero replaced by a small value,
/// which reads all 1.6 MB of W1 (the figure for dense inputs).
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks
{
    private float[] _image = [];
    private float[] _denseImage = [];
    private readonly float[] _probabilities = new float[BenchData.Classes];
    private MnistMlp _net = null!;
    private TutorialNetwork _tutorial = null!;

    [GlobalSetup]
    public void Setup()
    {
        _image = BenchData.Test.Image(0).ToArray();
        _denseImage = _image.Select((v, i) => v != 0f ? v : 0.001f * (1 + i % 7)).ToArray();
        _net = new MnistMlp(1, seed: 1);
        _tutorial = new TutorialNetwork(seed: 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark(Baseline = true, Description = "Tutorial Forward 1 image")]
    public float[] Tutorial() => _tutorial.Probabilities(_image, 1);

    [Benchmark(Description = "GenNet Forward 1 image")]
    public float GenNet()
    {
        _net.Forward(_image, _probabilities);
        return _probabilities[0];
    }

    [Benchmark(Description = "GenNet Forward 1 dense image (no zero input)")]
    public float GenNetDense()
    {
        _net.Forward(_denseImage, _probabilities);
        return _probabilities[0];
    }
}

/// <summary>
/// Predict on the 10,000 test images (probabilities), ≈ 8.1 GFLOP. GenNet runs in chunks of its maxBatchSize; the
/// tutorial network, as tutorials do, runs the whole test set as one batch.
/// </summary>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    private float[] _images = [];
    private float[] _outputs = [];
    private MnistMlp _net1 = null!;
    private MnistMlp _net2 = null!;
    private TutorialNetwork _tutorial = null!;

    /// <summary>maxBatchSize the networks are built with: Predict works in chunks of it (128, as in training).</summary>
    private const int Chunk = BenchData.BatchSize;

    [GlobalSetup]
    public void Setup()
    {
        _images = BenchData.Test.Pixels;
        _outputs = new float[BenchData.TestCount * BenchData.Classes];
        _net1 = new MnistMlp(Chunk, seed: 1, threads: 1);
        _net2 = new MnistMlp(Chunk, seed: 1, threads: 2);
        _tutorial = new TutorialNetwork(seed: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _net1.Dispose();
        _net2.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Tutorial Predict 10k")]
    public float[] Tutorial() => _tutorial.Probabilities(_images, BenchData.TestCount);

    [Benchmark(Description = "GenNet Predict 10k, 1 thread")]
    public float GenNet1()
    {
        _net1.Predict(_images, _outputs, BenchData.TestCount);
        return _outputs[0];
    }

    [Benchmark(Description = "GenNet Predict 10k, 2 threads")]
    public float GenNet2()
    {
        _net2.Predict(_images, _outputs, BenchData.TestCount);
        return _outputs[0];
    }
}
