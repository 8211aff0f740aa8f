using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenNet.Benchmarks;

/// <summary>
/// An experiment behind a design decision, kept so it can be rerun: would a micro-kernel emitted per layer shape, with
/// every size and stride a constant, beat the shared kernel that takes them as arguments? The same 8×32 Vector512 tile (16 FMA accumulators, B read in place) runs the reference model's
/// two big products twice: once with the sizes in fields, once with them as constants of a shape type, which the JIT
/// folds into the code (<c>DOTNET_JitDisasm</c> shows <c>vbroadcastss zmm, [rsi+0x0C40]</c>: 784 × 4 bytes). Dense random
/// inputs, so no zero skipping. Measured 2026-11-25: forward 896–902 µs constant vs 900–903 µs runtime, weight gradient
/// 916–919 vs 912–918 µs: the loop is bound by its FMAs (97% of peak) either way, so the register tiles the generator
/// emits per layer (Kernels.DenseLayer.cs) take their step count at run time rather than folding K.
/// Vector512 only (AVX-512F); elsewhere the benchmarks return at once.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class ShapeConstantsBenchmarks
{
    private const int B = BenchData.BatchSize, I = 784, H = 512;

    private float* _x, _w, _bias, _y, _dz, _dw;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(9);
        float* Fill(int n, float low, float high)
        {
            float* p = (float*)NativeMemory.AlignedAlloc((nuint)n * sizeof(float), 64);
            for (int i = 0; i < n; i++)
            {
                p[i] = rng.NextUniform(low, high);
            }
            return p;
        }
        _x = Fill(B * I, 0f, 1f);
        _w = Fill(I * H, -0.08f, 0.08f);
        _bias = Fill(H, -0.01f, 0.01f);
        _y = Fill(B * H, 0f, 0f);
        _dz = Fill(B * H, -0.01f, 0.01f);
        _dw = Fill(I * H, 0f, 0f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (nint p in new[] { (nint)_x, (nint)_w, (nint)_bias, (nint)_y, (nint)_dz, (nint)_dw })
        {
            NativeMemory.AlignedFree((void*)p);
        }
    }

    [Benchmark(Baseline = true, Description = "sizes as arguments"), BenchmarkCategory("forward 128x784x512, ReLU")]
    public void ForwardArguments() => Gemm(new ShapeArguments(B, H, I, I, 1, H, H), _x, _w, _y, _bias);

    [Benchmark(Description = "sizes as constants"), BenchmarkCategory("forward 128x784x512, ReLU")]
    public void ForwardConstants() => Gemm(new MnistForwardShape(), _x, _w, _y, _bias);

    [Benchmark(Baseline = true, Description = "sizes as arguments"), BenchmarkCategory("dW 784x512, k 128")]
    public void WeightGradientArguments() => Gemm(new ShapeArguments(I, H, B, 1, I, H, H), _x, _dz, _dw, null);

    [Benchmark(Description = "sizes as constants"), BenchmarkCategory("dW 784x512, k 128")]
    public void WeightGradientConstants() => Gemm(new MnistWeightGradientShape(), _x, _dz, _dw, null);

    /// <summary>C[M×N] = A·B (then + bias and ReLU when <paramref name="bias"/> is set), tile by tile, column blocks outside.</summary>
    private static void Gemm<TShape>(TShape s, float* a, float* b, float* c, float* bias) where TShape : struct, IShape
    {
        if (!Avx512F.IsSupported)
        {
            return;
        }
        for (int j = 0; j < s.N; j += 32)
        {
            for (int i = 0; i < s.M; i += 8)
            {
                Tile(s, a + i * s.Rs, b + j, c + i * s.Ldc + j, bias == null ? null : bias + j);
            }
        }
    }

    private static void Tile<TShape>(TShape s, float* a, float* b, float* c, float* bias) where TShape : struct, IShape
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        nint rs = s.Rs, rs2 = rs + rs, rs3 = rs2 + rs;
        float* a0 = a;
        float* a4 = a + 4 * rs;
        for (int k = s.K; k > 0; k--)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av = Vector512.Create(a0[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a0[rs]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a0[rs2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a0[rs3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[rs]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[rs2]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[rs3]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            a0 += s.Cs;
            a4 += s.Cs;
            b += s.Ldb;
        }
        nint ldc = s.Ldc;
        Store(c, c00, c01, bias);
        Store(c + ldc, c10, c11, bias);
        Store(c + 2 * ldc, c20, c21, bias);
        Store(c + 3 * ldc, c30, c31, bias);
        c += 4 * ldc;
        Store(c, c40, c41, bias);
        Store(c + ldc, c50, c51, bias);
        Store(c + 2 * ldc, c60, c61, bias);
        Store(c + 3 * ldc, c70, c71, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> lo, Vector512<float> hi, float* bias)
    {
        if (bias != null)
        {
            lo = Vector512.Max(lo + Vector512.Load(bias), Vector512<float>.Zero);
            hi = Vector512.Max(hi + Vector512.Load(bias + 16), Vector512<float>.Zero);
        }
        lo.Store(c);
        hi.Store(c + 16);
    }

    /// <summary>A product's sizes and strides: C is M×N, the sum runs over K, A(i, k) = A[i·Rs + k·Cs], B has row stride Ldb.</summary>
    private interface IShape
    {
        int M { get; }
        int N { get; }
        int K { get; }
        nint Rs { get; }
        nint Cs { get; }
        nint Ldb { get; }
        nint Ldc { get; }
    }

    private readonly record struct ShapeArguments(int M, int N, int K, nint Rs, nint Cs, nint Ldb, nint Ldc) : IShape;

    /// <summary>x·W1: A = x (row stride 784), B = W1 (row stride 512), K = 784.</summary>
    private readonly struct MnistForwardShape : IShape
    {
        public int M => B;
        public int N => H;
        public int K => I;
        public nint Rs => I;
        public nint Cs => 1;
        public nint Ldb => H;
        public nint Ldc => H;
    }

    /// <summary>xᵀ·dz: A = xᵀ (rows are pixels, 1 apart; k is the sample, 784 apart), B = dz (row stride 512), K = 128.</summary>
    private readonly struct MnistWeightGradientShape : IShape
    {
        public int M => I;
        public int N => H;
        public int K => B;
        public nint Rs => 1;
        public nint Cs => I;
        public nint Ldb => H;
        public nint Ldc => H;
    }
}
