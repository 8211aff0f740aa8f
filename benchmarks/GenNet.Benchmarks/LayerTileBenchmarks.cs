using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// The register tiles the generator emits per layer against the engine's own tiles, in one run: MnistMlp's
/// ComputeGradients (forward, loss, backward; the generated tiles run every full tile) and the same kernel calls made
/// through the non-generic kernels (the engine's tiles only), on one thread. The two give the same bits
/// (GeneratedTileTests); this measures what emitting the tiles costs or gains. A MNIST batch (zero skipping at work)
/// and a dense one (every term summed).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LayerTileBenchmarks
{
    private const int B = BenchData.BatchSize, I = BenchData.Features, H = 512, O = BenchData.Classes;

    private float[] _mnist = [];
    private float[] _dense = [];
    private int[] _labels = [];
    private MnistMlp _net = null!;
    private float[] _p = [];
    private readonly float[] _g = new float[MnistMlp.ParameterCount];
    private readonly float[] _a1 = new float[B * H];
    private readonly float[] _a2 = new float[B * O];
    private readonly float[] _da1 = new float[B * H];
    private readonly float[] _da2 = new float[B * O];

    [GlobalSetup]
    public void Setup()
    {
        _mnist = BenchData.Train.Pixels.AsSpan(0, B * I).ToArray();
        _labels = BenchData.Train.Labels.AsSpan(0, B).ToArray();
        var rng = new Rng(3);
        _dense = new float[B * I];
        for (int k = 0; k < _dense.Length; k++)
        {
            _dense[k] = rng.NextUniform(0.01f, 1f);
        }
        _net = new MnistMlp(B, seed: 1, threads: 1);
        _p = _net.Parameters.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark(Baseline = true, Description = "engine tiles"), BenchmarkCategory("MNIST batch")]
    public float EngineMnist() => EngineTiles(_mnist);

    [Benchmark(Description = "generated tiles"), BenchmarkCategory("MNIST batch")]
    public float GeneratedMnist() => _net.ComputeGradients(_mnist, _labels, B);

    [Benchmark(Baseline = true, Description = "engine tiles"), BenchmarkCategory("dense batch")]
    public float EngineDense() => EngineTiles(_dense);

    [Benchmark(Description = "generated tiles"), BenchmarkCategory("dense batch")]
    public float GeneratedDense() => _net.ComputeGradients(_dense, _labels, B);

    // MnistMlp's generated ComputeGradients, call for call, through the non-generic kernels.
    private float EngineTiles(float[] x)
    {
        Span<float> p = _p, g = _g;
        Span<float> w1 = p[..(I * H)], b1 = p.Slice(I * H, H), w2 = p.Slice(I * H + H, H * O), b2 = p.Slice(I * H + H + H * O, O);
        Kernels.DenseForward(_a1, x, w1, b1, B, I, H, Activation.ReLU, 0f);
        Kernels.DenseForward(_a2, _a1, w2, b2, B, H, O, Activation.None, 0f);
        float loss = Kernels.SoftmaxCrossEntropy(_da2, _a2, _labels, B, O, 1f / B) / B;
        Kernels.DenseBackwardParameters(g.Slice(I * H + H, H * O), g.Slice(I * H + H + H * O, O), _a1, _da2, B, H, O, accumulate: false);
        Kernels.DenseBackwardInput(_da1, _da2, w2, _a1, B, H, O, Activation.ReLU, 0f);
        Kernels.DenseBackwardParameters(g[..(I * H)], g.Slice(I * H, H), x, _da1, B, I, H, accumulate: false);
        return loss;
    }
}
