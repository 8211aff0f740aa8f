using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// What generating a convolution per shape buys, measured: MnistConvNet's conv2 (32→64, 3×3 over 13×13, batch 128)
/// run through its generated layer (<see cref="MnistConvNet.Layer3"/>: K = 288 and F = 64 as constants, the geometry a
/// static readonly field, which tier-1 code folds) against the same algorithm, the same im2col and GEMM engine and
/// the same register-tile code, with every size read from a mutable field at run time (<see cref="RuntimeSizes"/>).
/// The generated tiles are already written for any K (their step count and strides are arguments), so the gap is
/// what the constants give the engine's blocking, packing and im2col loops.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ConvShapeBenchmarks
{
    private const int Batch = BenchData.BatchSize;
    private static readonly Conv2DGeometry s_constant = ConvFlops.Conv3;
    private Conv2DGeometry _runtime;
    private float[] _x = [], _w = [], _bias = [], _y = [], _dz = [], _dw = [], _db = [], _dx = [];

    [GlobalSetup]
    public void Setup()
    {
        Conv2DGeometry g = s_constant;
        _runtime = g with { };
        RuntimeSizes.Set(g.WeightCount / g.Filters, g.Filters);
        var rng = new Rng(5);
        float[] Fill(int n, float low, float high)
        {
            var a = new float[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = rng.NextUniform(low, high);
            }
            return a;
        }
        // Dense random inputs (a ReLU layer's output has zeros, which the engine would skip).
        _x = Fill(Batch * g.InputSize, 0.01f, 1f);
        _w = Fill(g.WeightCount, -0.06f, 0.06f);
        _bias = Fill(g.Filters, -0.01f, 0.01f);
        _y = new float[Batch * g.OutputSize];
        _dz = Fill(Batch * g.OutputSize, -0.01f, 0.01f);
        _dw = new float[g.WeightCount];
        _db = new float[g.Filters];
        _dx = new float[Batch * g.InputSize];
    }

    [Benchmark(Baseline = true, Description = "sizes at run time"), BenchmarkCategory("conv2 forward")]
    public void ForwardRuntime() => Kernels.Conv2DForward<RuntimeSizes>(_y, _x, _w, _bias, Batch, _runtime);

    [Benchmark(Description = "generated, sizes constant"), BenchmarkCategory("conv2 forward")]
    public void ForwardGenerated() => Kernels.Conv2DForward<MnistConvNet.Layer3>(_y, _x, _w, _bias, Batch, s_constant);

    [Benchmark(Baseline = true, Description = "sizes at run time"), BenchmarkCategory("conv2 dW, db")]
    public void WeightGradientRuntime() => Kernels.Conv2DBackwardParameters<RuntimeSizes>(_dw, _db, _x, _dz, Batch, _runtime);

    [Benchmark(Description = "generated, sizes constant"), BenchmarkCategory("conv2 dW, db")]
    public void WeightGradientGenerated() => Kernels.Conv2DBackwardParameters<MnistConvNet.Layer3>(_dw, _db, _x, _dz, Batch, s_constant);

    [Benchmark(Baseline = true, Description = "sizes at run time"), BenchmarkCategory("conv2 dX")]
    public void InputGradientRuntime() => Kernels.Conv2DBackwardInput<RuntimeSizes>(_dx, _dz, _w, Batch, _runtime);

    [Benchmark(Description = "generated, sizes constant"), BenchmarkCategory("conv2 dX")]
    public void InputGradientGenerated() => Kernels.Conv2DBackwardInput<MnistConvNet.Layer3>(_dx, _dz, _w, Batch, s_constant);

    /// <summary>conv2 with its sizes in mutable static fields, which the JIT cannot fold, and the generated tile code.</summary>
    private readonly struct RuntimeSizes : Kernels.IDenseLayerKernels
    {
        private static int s_inputs, s_outputs, s_positions;
        private static bool s_hasBias;
        private static Activation s_activation;

        public static void Set(int inputs, int outputs) =>
            (s_inputs, s_outputs, s_positions, s_hasBias, s_activation) =
                (inputs, outputs, MnistConvNet.Layer3.InputGradientColumns, MnistConvNet.Layer3.HasBias, MnistConvNet.Layer3.Activation);

        public static int Inputs => s_inputs;
        public static int InputGradientColumns => s_positions;
        public static int Outputs => s_outputs;
        public static bool HasBias => s_hasBias;
        public static Activation Activation => s_activation;
        public static bool HasPositionsForwardTile => true;
        public static bool HasInputGradientTile => true;

        public static void PositionsForwardTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float bias)
            where TSteps : struct, Kernels.IReductionSteps
            => MnistConvNet.Layer3.PositionsForwardTile(ref a, rs, cs, ref b, ldb, steps, ref c, ldc, ref bias);

        public static void WeightGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc)
            where TSteps : struct, Kernels.IReductionSteps
            => MnistConvNet.Layer3.WeightGradientTile(ref a, rs, cs, ref b, ldb, steps, ref c, ldc);

        public static void OutputsAccumulatorTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, Kernels.IReductionSteps
            => MnistConvNet.Layer3.OutputsAccumulatorTile(ref a, rs, cs, ref b, ldb, steps, ref tile);

        public static void InputGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float y)
            where TSteps : struct, Kernels.IReductionSteps
            => MnistConvNet.Layer3.InputGradientTile(ref a, rs, cs, ref b, ldb, steps, ref c, ldc, ref y);

        public static void InputsAccumulatorTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, Kernels.IReductionSteps
            => MnistConvNet.Layer3.InputsAccumulatorTile(ref a, rs, cs, ref b, ldb, steps, ref tile);
    }
}
