using System.Runtime.CompilerServices;

namespace GenNet.Tests.Kernels;

/// <summary>
/// Which tiles of a product the engine hands to a generated layer's micro-kernel: exactly the full 8×32 (Vector512) or
/// 6×16 (Vector256) tiles, and the full row blocks of a result no wider than one vector (all of its columns); never a row
/// tail, a column tail, the one-row path or the Vector128 and scalar paths. A
/// marker layer writes a value no product gives into its tiles; everything else must keep the engine's bits. Inputs
/// are half zeros, so the forward product and the weight gradient reach the tiles through their zero lists, and every
/// case runs on one thread and on three.
/// </summary>
public class LayerTileDispatchTests
{
    private const float Marker = 12345f;

    public static TheoryData<int, int> Shapes() => new()
    {
        { 16, 64 }, { 13, 70 }, { 8, 33 }, { 7, 40 }, { 24, 16 }, { 5, 17 }, { 50, 31 }, { 9, 10 }, { 17, 3 }, { 12, 8 }, { 6, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_runs_the_layer_tile_on_full_tiles_only(int batch, int outputs)
    {
        const int inputs = 19;
        MarkerLayer.Set(inputs, outputs);
        float[] x = HalfZeros(KernelTestData.Uniform(batch * inputs, 1));
        float[] w = KernelTestData.Uniform(inputs * outputs, 2);
        float[] bias = KernelTestData.Uniform(outputs, 3);
        var expected = new float[batch * outputs];
        global::GenNet.Kernels.DenseForward(expected, x, w, bias, batch, inputs, outputs, Activation.ReLU, 0f);
        CheckOnOneAndThreeThreads(expected, batch, outputs, rowsBelowTileTakeOneRowPath: true,
            (actual, workers) => global::GenNet.Kernels.DenseForward<MarkerLayer>(actual, x, w, bias, batch, workers));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Weight_gradient_runs_the_layer_tile_on_full_tiles_only(int inputs, int outputs)
    {
        const int batch = 11;
        MarkerLayer.Set(inputs, outputs);
        float[] x = HalfZeros(KernelTestData.Uniform(batch * inputs, 4));
        float[] dz = KernelTestData.Uniform(batch * outputs, 5);
        var expected = new float[inputs * outputs];
        var db = new float[outputs];
        global::GenNet.Kernels.DenseBackwardParameters(expected, db, x, dz, batch, inputs, outputs, accumulate: false);
        CheckOnOneAndThreeThreads(expected, inputs, outputs, rowsBelowTileTakeOneRowPath: true,
            (actual, workers) => global::GenNet.Kernels.DenseBackwardParameters<MarkerLayer>(actual, db, x, dz, batch, workers));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Input_gradient_runs_the_layer_tile_on_full_tiles_only(int batch, int inputs)
    {
        const int outputs = 12;
        MarkerLayer.Set(inputs, outputs);
        float[] dz = KernelTestData.Uniform(batch * outputs, 6);
        float[] w = KernelTestData.Uniform(inputs * outputs, 7);
        float[] y = KernelTestData.Uniform(batch * inputs, 8, 0f, 1f);
        var expected = new float[batch * inputs];
        global::GenNet.Kernels.DenseBackwardInput(expected, dz, w, y, batch, inputs, outputs, Activation.Sigmoid, 0f);
        CheckOnOneAndThreeThreads(expected, batch, inputs, rowsBelowTileTakeOneRowPath: false,
            (actual, workers) => global::GenNet.Kernels.DenseBackwardInput<MarkerLayer>(actual, dz, w, y, batch, workers));
    }

    [Fact]
    public void A_bias_that_does_not_match_the_layer_is_an_argument_error()
    {
        MarkerLayer.Set(3, 4);
        var y = new float[4];
        var x = new float[3];
        var w = new float[12];
        var ex = Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.DenseForward<MarkerLayer>(y, x, w, default, 1));
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

    private static void CheckOnOneAndThreeThreads(float[] expected, int rows, int columns, bool rowsBelowTileTakeOneRowPath,
        Action<float[], WorkerPool?> run)
    {
        using var pool = new WorkerPool(3);
        foreach (WorkerPool? workers in new[] { null, pool })
        {
            var actual = new float[expected.Length];
            run(actual, workers);
            AssertMarkedExactlyOnFullTiles(expected, actual, rows, columns, rowsBelowTileTakeOneRowPath);
        }
    }

    private static void AssertMarkedExactlyOnFullTiles(float[] expected, float[] actual, int rows, int columns, bool rowsBelowTileTakeOneRowPath)
    {
        int width = global::GenNet.Kernels.VectorWidth;
        int mr = width == 512 ? 8 : 6;
        int nr = width == 512 ? 32 : 16;
        bool tiled = width >= 256 && !(rowsBelowTileTakeOneRowPath && rows < mr);
        int markedRows = tiled ? rows / mr * mr : 0;
        int markedColumns = !tiled ? 0 : columns <= nr / 2 ? columns : columns / nr * nr;
        int marked = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float value = actual[i * columns + j];
                if (i < markedRows && j < markedColumns)
                {
                    Assert.True(value == Marker, $"({i}, {j}) of {rows}×{columns} is in a full tile but holds {value:R}, not the layer tile's marker.");
                    marked++;
                }
                else
                {
                    Assert.True(BitConverter.SingleToInt32Bits(value) == BitConverter.SingleToInt32Bits(expected[i * columns + j]),
                        $"({i}, {j}) of {rows}×{columns} is outside the full tiles but holds {value:R}, not the engine's {expected[i * columns + j]:R}.");
                }
            }
        }
        Assert.Equal(markedRows * markedColumns, marked);
    }

    /// <summary>A layer whose every tile writes <see cref="Marker"/> over its block, sized per test.</summary>
    private readonly struct MarkerLayer : global::GenNet.Kernels.IDenseLayerKernels
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

        public static bool HasWeightGradientTile => true;

        public static bool HasInputGradientTile => true;

        public static void ForwardTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float bias)
            where TSteps : struct, global::GenNet.Kernels.IReductionSteps
            => Mark(ref c, ldc, s_outputs);

        public static void WeightGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc)
            where TSteps : struct, global::GenNet.Kernels.IReductionSteps
            => Mark(ref c, ldc, s_outputs);

        public static void InputGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float y)
            where TSteps : struct, global::GenNet.Kernels.IReductionSteps
            => Mark(ref c, ldc, s_inputs);

        // A tile's block: two vectors wide, or all of a product no wider than one vector.
        private static void Mark(ref float c, nint ldc, int productColumns)
        {
            int width = global::GenNet.Kernels.VectorWidth;
            int rows = width == 512 ? 8 : 6;
            int lanes = width / 32;
            int columns = productColumns <= lanes ? productColumns : 2 * lanes;
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < columns; j++)
                {
                    Unsafe.Add(ref c, r * ldc + j) = Marker;
                }
            }
        }
    }
}
