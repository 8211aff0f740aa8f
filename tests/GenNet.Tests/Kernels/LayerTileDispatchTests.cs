using System.Runtime.CompilerServices;

namespace GenNet.Tests.Kernels;

/// <summary>
/// Which of a layer's tiles the engine runs where: the fused tile on exactly the full 8×32 (Vector512) or 6×16
/// (Vector256) tiles and the full row blocks of a result no wider than one vector (all of its columns); the accumulator
/// tile, followed by the engine's epilogue, on every row and column tail; neither on the one-row path or the Vector128 and
/// scalar paths. A marker layer writes <see cref="Marker"/> over a fused tile's block and <see cref="Accumulator"/> into
/// every accumulator of an accumulator tile, so each element shows which path stored it. Inputs are half zeros, so the
/// forward product and the weight gradient reach the tiles through their zero lists, and every case runs on one thread
/// and on three.
/// </summary>
public class LayerTileDispatchTests
{
    private const float Marker = 12345f;
    private const float Accumulator = 3f;

    public static TheoryData<int, int> Shapes() => new()
    {
        { 16, 64 }, { 13, 70 }, { 8, 33 }, { 7, 40 }, { 24, 16 }, { 5, 17 }, { 50, 31 }, { 9, 10 }, { 17, 3 }, { 12, 8 }, { 6, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_runs_the_fused_tile_on_full_tiles_and_the_accumulator_tile_elsewhere(int batch, int outputs)
    {
        const int inputs = 19;
        MarkerLayer.Set(inputs, outputs);
        float[] x = HalfZeros(KernelTestData.Uniform(batch * inputs, 1));
        float[] w = KernelTestData.Uniform(inputs * outputs, 2);
        float[] bias = KernelTestData.Uniform(outputs, 3);
        CheckOnOneAndThreeThreads(batch, outputs, rowsBelowTileTakeOneRowPath: true,
            (i, j) => GenNet.Kernels.Reference.Activate(Accumulator + bias[j], Activation.ReLU, 0f),
            (actual, workers) => GenNet.Kernels.DenseForward<MarkerLayer>(actual, x, w, bias, batch, workers));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Weight_gradient_runs_the_fused_tile_on_full_tiles_and_the_accumulator_tile_elsewhere(int inputs, int outputs)
    {
        const int batch = 11;
        MarkerLayer.Set(inputs, outputs);
        float[] x = HalfZeros(KernelTestData.Uniform(batch * inputs, 4));
        float[] dz = KernelTestData.Uniform(batch * outputs, 5);
        var db = new float[outputs];
        // The one-row path is the forward product's only: fewer inputs than a tile's rows still run (padded) tiles.
        CheckOnOneAndThreeThreads(inputs, outputs, rowsBelowTileTakeOneRowPath: false,
            (i, j) => Accumulator,
            (actual, workers) => GenNet.Kernels.DenseBackwardParameters<MarkerLayer>(actual, db, x, dz, batch, workers));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Input_gradient_runs_the_fused_tile_on_full_tiles_and_the_accumulator_tile_elsewhere(int batch, int inputs)
    {
        const int outputs = 12;
        MarkerLayer.Set(inputs, outputs);
        float[] dz = KernelTestData.Uniform(batch * outputs, 6);
        float[] w = KernelTestData.Uniform(inputs * outputs, 7);
        float[] y = KernelTestData.Uniform(batch * inputs, 8, 0f, 1f);
        CheckOnOneAndThreeThreads(batch, inputs, rowsBelowTileTakeOneRowPath: false,
            (i, j) => Accumulator * (y[i * inputs + j] * (1f - y[i * inputs + j])),
            (actual, workers) => GenNet.Kernels.DenseBackwardInput<MarkerLayer>(actual, dz, w, y, batch, workers));
    }

    [Fact]
    public void A_bias_that_does_not_match_the_layer_is_an_argument_error()
    {
        MarkerLayer.Set(3, 4);
        var y = new float[4];
        var x = new float[3];
        var w = new float[12];
        var ex = Assert.Throws<ArgumentException>(() => GenNet.Kernels.DenseForward<MarkerLayer>(y, x, w, default, 1));
        Assert.Equal("bias", ex.ParamName);
        Assert.Contains("has a bias", ex.Message);
    }

    private static float[] HalfZeros(float[] values)
    {
        var random = new Random(17);
        for (int k = 0; k < values.Length; k++)
        {
            if (random.Next(2) == 0)
            {
                values[k] = 0f;
            }
        }
        return values;
    }

    private static void CheckOnOneAndThreeThreads(int rows, int columns, bool rowsBelowTileTakeOneRowPath,
        Func<int, int, float> fromAccumulatorTile, Action<float[], WorkerPool?> run)
    {
        using var pool = new WorkerPool(3);
        foreach (WorkerPool? workers in new[] { null, pool })
        {
            var actual = KernelTestData.Filled(rows * columns, float.NaN);
            run(actual, workers);
            AssertStoredByTheRightTile(actual, rows, columns, rowsBelowTileTakeOneRowPath, fromAccumulatorTile);
        }
    }

    private static void AssertStoredByTheRightTile(float[] actual, int rows, int columns, bool rowsBelowTileTakeOneRowPath,
        Func<int, int, float> fromAccumulatorTile)
    {
        int width = GenNet.Kernels.VectorWidth;
        int mr = width == 512 ? 8 : 6;
        int nr = width == 512 ? 32 : 16;
        bool layerTiles = width >= 256 && !(rowsBelowTileTakeOneRowPath && rows < mr);
        int markedRows = layerTiles ? rows / mr * mr : 0;
        int markedColumns = !layerTiles ? 0 : columns <= nr / 2 ? columns : columns / nr * nr;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float value = actual[i * columns + j];
                string where = $"({i}, {j}) of {rows}×{columns}";
                if (!layerTiles)
                {
                    // The engine's own paths: real products, never a layer tile's marks.
                    Assert.True(float.IsFinite(value) && value != Marker && value != fromAccumulatorTile(i, j), $"{where} holds {value:R}, a layer tile's mark.");
                }
                else if (i < markedRows && j < markedColumns)
                {
                    Assert.True(value == Marker, $"{where} is in a full tile but holds {value:R}, not the fused tile's marker.");
                }
                else
                {
                    Assert.True(BitConverter.SingleToInt32Bits(value) == BitConverter.SingleToInt32Bits(fromAccumulatorTile(i, j)),
                        $"{where} is a tail but holds {value:R}, not the epilogue of the accumulator tile, {fromAccumulatorTile(i, j):R}.");
                }
            }
        }
    }

    /// <summary>A layer whose fused tiles write <see cref="Marker"/> over their block and whose accumulator tiles fill
    /// their scratch with <see cref="Accumulator"/>, sized per test.</summary>
    private readonly struct MarkerLayer : GenNet.Kernels.IDenseLayerKernels
    {
        private static int s_inputs;
        private static int s_outputs;

        public static void Set(int inputs, int outputs) => (s_inputs, s_outputs) = (inputs, outputs);

        public static int Inputs => s_inputs;

        public static int Outputs => s_outputs;

        public static bool HasBias => true;

        public static Activation Activation => Activation.ReLU;

        public static Activation InputActivation => Activation.Sigmoid;

        public static bool HasForwardTile => true;

        public static bool HasInputGradientTile => true;

        public static void ForwardTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float bias)
            where TSteps : struct, GenNet.Kernels.IReductionSteps
            => Fill(ref c, ldc, Width(s_outputs), Marker);

        public static void WeightGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc)
            where TSteps : struct, GenNet.Kernels.IReductionSteps
            => Fill(ref c, ldc, Width(s_outputs), Marker);

        public static void InputGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float y)
            where TSteps : struct, GenNet.Kernels.IReductionSteps
            => Fill(ref c, ldc, Width(s_inputs), Marker);

        public static void OutputsAccumulatorTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, GenNet.Kernels.IReductionSteps
            => Fill(ref tile, AccumulatorWidth(s_outputs), AccumulatorWidth(s_outputs), Accumulator);

        public static void InputsAccumulatorTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, GenNet.Kernels.IReductionSteps
            => Fill(ref tile, AccumulatorWidth(s_inputs), AccumulatorWidth(s_inputs), Accumulator);

        // A fused tile's block: two vectors wide, or all of a product no wider than one vector.
        private static int Width(int productColumns) => productColumns <= Lanes ? productColumns : 2 * Lanes;

        // An accumulator tile's row: one vector for a product no wider than one vector, else two.
        private static int AccumulatorWidth(int productColumns) => productColumns <= Lanes ? Lanes : 2 * Lanes;

        private static int Lanes => GenNet.Kernels.VectorWidth / 32;

        private static void Fill(ref float c, nint ldc, int columns, float value)
        {
            int rows = GenNet.Kernels.VectorWidth == 512 ? 8 : 6;
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < columns; j++)
                {
                    Unsafe.Add(ref c, r * ldc + j) = value;
                }
            }
        }
    }
}
