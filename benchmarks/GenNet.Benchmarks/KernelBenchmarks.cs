using GenNet.Models;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenNet.Benchmarks;

/// <summary>
/// The dense kernels of MnistMlp's generated layers (MnistMlp.Layer1, .Layer2), SIMD (1 and 2 threads) vs their scalar twins in
/// <see cref="Kernels.Reference"/>, with the arguments the generated training step passes (weight gradients overwrite,
/// layer 1's ReLU′ in the same call as layer 2's input gradient). One category per shape; the reference is each category's
/// baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KernelBenchmarks
{
    private const int B = BenchData.BatchSize, I = 784, H = 512, O = 10;

    private float[] _x = [], _w1 = [], _b1 = [], _a1 = [], _da1 = [], _dw1 = [], _db1 = [];
    private float[] _w2 = [], _b2 = [], _a2 = [], _da2 = [], _dw2 = [], _db2 = [];
    private float[] _x1 = [], _a1One = [];
    private WorkerPool _pool = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(5);
        float[] Fill(int n, float scale)
        {
            var a = new float[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = rng.NextUniform(-scale, scale);
            }
            return a;
        }
        _x = BenchData.Train.Pixels.AsSpan(0, B * I).ToArray();
        _x1 = _x.AsSpan(0, I).ToArray();
        _w1 = Fill(I * H, 0.08f);
        _b1 = Fill(H, 0.01f);
        _a1 = Fill(B * H, 1f);
        _a1One = new float[H];
        _da1 = Fill(B * H, 0.01f);
        _dw1 = new float[I * H];
        _db1 = new float[H];
        _w2 = Fill(H * O, 0.1f);
        _b2 = Fill(O, 0.01f);
        _a2 = new float[B * O];
        _da2 = Fill(B * O, 0.01f);
        _dw2 = new float[H * O];
        _db2 = new float[O];
        _pool = new WorkerPool(2);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    // Layer 1 forward, 128×784×512 (103 MFLOP).
    [Benchmark(Baseline = true), BenchmarkCategory("L1 forward 128x784x512")]
    public void L1ForwardReference() => Kernels.Reference.DenseForward(_a1, _x, _w1, _b1, B, I, H, Activation.ReLU, 0f);

    [Benchmark, BenchmarkCategory("L1 forward 128x784x512")]
    public void L1Forward() => Kernels.DenseForward<MnistMlp.Layer1>(_a1, _x, _w1, _b1, B);

    [Benchmark, BenchmarkCategory("L1 forward 128x784x512")]
    public void L1Forward2T() => Kernels.DenseForward<MnistMlp.Layer1>(_a1, _x, _w1, _b1, B, _pool);

    // Layer 1 weight gradient, dW1[784×512] = xᵀ·dz, K = 128 (103 MFLOP), with db1.
    [Benchmark(Baseline = true), BenchmarkCategory("L1 dW 784x512 k128")]
    public void L1BackwardParametersReference() => Kernels.Reference.DenseBackwardParameters(_dw1, _db1, _x, _da1, B, I, H);

    [Benchmark, BenchmarkCategory("L1 dW 784x512 k128")]
    public void L1BackwardParameters() => Kernels.DenseBackwardParameters<MnistMlp.Layer1>(_dw1, _db1, _x, _da1, B);

    [Benchmark, BenchmarkCategory("L1 dW 784x512 k128")]
    public void L1BackwardParameters2T() => Kernels.DenseBackwardParameters<MnistMlp.Layer1>(_dw1, _db1, _x, _da1, B, _pool);

    // Layer 1 forward for one image, 1×784×512 (0.8 MFLOP): the first training image, 166 of 784 pixels non-zero, so it
    // reads 21% of W1 (zero inputs are skipped).
    [Benchmark(Baseline = true), BenchmarkCategory("L1 forward 1x784x512")]
    public void L1ForwardOneReference() => Kernels.Reference.DenseForward(_a1One, _x1, _w1, _b1, 1, I, H, Activation.ReLU, 0f);

    [Benchmark, BenchmarkCategory("L1 forward 1x784x512")]
    public void L1ForwardOne() => Kernels.DenseForward<MnistMlp.Layer1>(_a1One, _x1, _w1, _b1, 1);

    // Layer 2: forward 128×512×10, dW2 512×10 k128, dz1 = (dz·W2ᵀ) ⊙ ReLU′(a1) 128×512 k10 (1.3 MFLOP each).
    [Benchmark(Baseline = true), BenchmarkCategory("L2 forward 128x512x10")]
    public void L2ForwardReference() => Kernels.Reference.DenseForward(_a2, _a1, _w2, _b2, B, H, O, Activation.None, 0f);

    [Benchmark, BenchmarkCategory("L2 forward 128x512x10")]
    public void L2Forward() => Kernels.DenseForward<MnistMlp.Layer2>(_a2, _a1, _w2, _b2, B);

    [Benchmark(Baseline = true), BenchmarkCategory("L2 dW 512x10 k128")]
    public void L2BackwardParametersReference() => Kernels.Reference.DenseBackwardParameters(_dw2, _db2, _a1, _da2, B, H, O);

    [Benchmark, BenchmarkCategory("L2 dW 512x10 k128")]
    public void L2BackwardParameters() => Kernels.DenseBackwardParameters<MnistMlp.Layer2>(_dw2, _db2, _a1, _da2, B);

    [Benchmark(Baseline = true), BenchmarkCategory("L2 dX with ReLU' 128x512 k10")]
    public void L2BackwardInputReference() => Kernels.Reference.DenseBackwardInput(_da1, _da2, _w2, _a1, B, H, O, Activation.ReLU, 0f);

    [Benchmark, BenchmarkCategory("L2 dX with ReLU' 128x512 k10")]
    public void L2BackwardInput() => Kernels.DenseBackwardInput<MnistMlp.Layer2>(_da1, _da2, _w2, _a1, B);

    [Benchmark, BenchmarkCategory("L2 dX with ReLU' 128x512 k10")]
    public void L2BackwardInput2T() => Kernels.DenseBackwardInput<MnistMlp.Layer2>(_da1, _da2, _w2, _a1, B, _pool);
}
