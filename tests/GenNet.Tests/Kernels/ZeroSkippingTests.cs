using System.Runtime.Intrinsics.X86;
using GenNet.Tests.Networks;

namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>
/// The forward product and the weight gradient skip every k at which all inputs of a tile's rows are zero (and the
/// one-row forward every zero input). Skipping fma(0, w, acc) = acc is exact for finite values up to the sign of a zero
/// result (which these random inputs never produce), so on inputs full of zeros the results must be the bits of the
/// full sum. The oracle is that full sum written out: acc = fma(a_k, b_k, acc) over every k in increasing order from 0
/// (a·b + acc where the kernels' vector path has no FMA), then the bias and a lane-wise activation (none, ReLU,
/// LeakyReLU); on the scalar path, the reference itself.
/// </summary>
public class ZeroSkippingTests
{
    private static readonly int[] Batches = [1, 6, 7, 8, 9, 17, 33, 128];

    // The layers whose activation the oracle computes exactly (Sigmoid and Tanh use a vector exp).
    private static readonly DenseLayer[] Layers =
        [.. DenseLayer.OddShapes.Where(l => l.Activation is Activation.None or Activation.ReLU or Activation.LeakyReLU), DenseLayer.MnistLogits];

    public static TheoryData<double> ZeroShares() => [0.0, 0.5, 0.81, 0.97, 1.0];

    [Theory]
    [MemberData(nameof(ZeroShares))]
    public void DenseForward_on_inputs_with_zeros_gives_the_bits_of_the_full_sum(double zeroShare)
    {
        int seed = 100;
        foreach (int batch in Batches)
        {
            foreach (DenseLayer layer in Layers)
            {
                float[] x = WithZeros(Uniform(batch * layer.Inputs, seed++), batch, layer.Inputs, zeroShare, seed++);
                float[] w = Uniform(layer.Inputs * layer.Outputs, seed++);
                CheckForward(layer, x, w, batch, workers: null);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ZeroShares))]
    public void DenseBackwardParameters_on_inputs_with_zeros_gives_the_bits_of_the_full_sum(double zeroShare)
    {
        int seed = 200;
        foreach (int batch in Batches)
        {
            foreach (DenseLayer layer in DenseLayer.OddShapes)
            {
                float[] x = WithZeros(Uniform(batch * layer.Inputs, seed++), batch, layer.Inputs, zeroShare, seed++);
                float[] dz = Uniform(batch * layer.Outputs, seed++);
                CheckWeightGradient(layer, x, dz, batch, workers: null);
            }
        }
    }

    /// <summary>The MNIST shapes on real-looking inputs, on 1, 2 and 3 threads: every split gives the full sum's bits.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mnist_shapes_with_mnist_like_zeros_give_the_bits_of_the_full_sum_on_any_thread_count(int threads)
    {
        using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
        const int batch = 128, inputs = 784, hidden = 512, classes = 10;
        float[] x = WithZeros(Uniform(batch * inputs, 1, 0f, 1f), batch, inputs, 0.81, 2);
        CheckForward(DenseLayer.MnistHidden, x, Uniform(inputs * hidden, 3), batch, pool);
        CheckWeightGradient(DenseLayer.MnistHidden, x, Uniform(batch * hidden, 4), batch, pool);
        // Layer 2 reads ReLU outputs: about half zeros.
        float[] h = WithZeros(Uniform(batch * hidden, 5, 0f, 1f), batch, hidden, 0.5, 6);
        CheckForward(DenseLayer.MnistLogits, h, Uniform(hidden * classes, 7), batch, pool);
        CheckWeightGradient(DenseLayer.MnistLogits, h, Uniform(batch * classes, 8), batch, pool);
    }

    /// <summary>
    /// Several chunks of row blocks (a forward batch over 328 rows at K = 784, a weight gradient over 2,016 inputs) and
    /// one row block per chunk (K over 32,766), on 1 and 2 threads.
    /// </summary>
    [Fact]
    public void Lists_built_chunk_by_chunk_give_the_bits_of_the_full_sum()
    {
        using var pool = new WorkerPool(2);
        foreach (WorkerPool? workers in new[] { null, pool })
        {
            float[] x = WithZeros(Uniform(400 * 784, 21, 0f, 1f), 400, 784, 0.81, 22);
            CheckForward(DenseLayer.Of<ListChunksNet.Layer1>(), x, Uniform(784 * 40, 23), 400, workers);
            float[] wide = WithZeros(Uniform(128 * 2100, 24, 0f, 1f), 128, 2100, 0.81, 25);
            CheckWeightGradient(DenseLayer.Of<WideInputNet.Layer1>(), wide, Uniform(128 * 33, 26), 128, workers);
            float[] longRows = WithZeros(Uniform(16 * 33000, 27, 0f, 1f), 16, 33000, 0.81, 28);
            CheckForward(DenseLayer.Of<LongInputNet.Layer1>(), longRows, Uniform(33000 * 33, 29), 16, workers);
        }
    }

    /// <summary>
    /// The skip is real: an infinite weight in a row whose inputs are all ±0 gives NaN in the full sum (0·∞), and finite
    /// outputs where the tiles leave that row out; an infinite gradient of a blank sample likewise. Batch 24 and 48 inputs
    /// are multiples of 8 and 6, so every tile is a full one on both tile heights; batch 26 and 50 inputs end in a short
    /// row block of 2 on both, which is listed too. Without a Vector256 path the tiles sum every k, and the full sum's NaN
    /// is the right answer.
    /// </summary>
    [Theory]
    [InlineData(24, 48)]
    [InlineData(26, 50)]
    public void Tiles_leave_out_terms_whose_inputs_are_zero_positive_or_negative(int batch, int inputs)
    {
        // A layer without bias or activation, so the result is the bare sum.
        DenseLayer layer = inputs == 48 ? DenseLayer.Of<ZeroTermsNet.Layer1>() : DenseLayer.Of<ZeroTermsTailNet.Layer1>();
        Assert.Equal(inputs, layer.Inputs);
        const int outputs = 33, zeroColumn = 5, blankSample = 7, infiniteOutput = 20;
        float[] x = Uniform(batch * inputs, 31, 0.1f, 1f);
        for (int b = 0; b < batch; b++)
        {
            x[b * inputs + zeroColumn] = b % 2 == 0 ? 0f : -0f;
        }
        for (int i = 0; i < inputs; i++)
        {
            x[blankSample * inputs + i] = i % 3 == 0 ? -0f : 0f;
        }
        float[] w = Uniform(inputs * outputs, 32);
        for (int o = 0; o < outputs; o++)
        {
            w[zeroColumn * outputs + o] = float.PositiveInfinity;
        }
        float[] dz = Uniform(batch * outputs, 33);
        dz[blankSample * outputs + infiniteOutput] = float.PositiveInfinity;

        float[] y = new float[batch * outputs];
        layer.Forward(y, x, w, [], batch, null);
        float[] dw = new float[inputs * outputs];
        layer.BackwardParameters(dw, [], x, dz, batch, null);
        float[] dwColumn = Enumerable.Range(0, inputs).Select(i => dw[i * outputs + infiniteOutput]).ToArray();
        if (SimdHelpers.Width >= 256)
        {
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
            Assert.All(dwColumn, v => Assert.True(float.IsFinite(v)));
        }
        else
        {
            Assert.All(y, v => Assert.True(float.IsNaN(v)));
            Assert.All(dwColumn, v => Assert.True(float.IsNaN(v)));
        }
    }

    /// <summary>−0 is a zero; NaN and ∞ are not, so they still reach the outputs they feed, as in the full sum.</summary>
    [Fact]
    public void Negative_zero_is_skipped_and_non_finite_inputs_are_not()
    {
        DenseLayer layer = DenseLayer.OddShapes.Single(l => l.Inputs == 47 && l.Outputs == 33 && !l.HasBias);
        const int batch = 16, inputs = 47, outputs = 33;
        float[] x = WithZeros(Uniform(batch * inputs, 11), batch, inputs, 0.9, 12);
        for (int k = 0; k < x.Length; k += 3)
        {
            if (x[k] == 0f)
            {
                x[k] = -0f;
            }
        }
        x[5 * inputs + 17] = float.NaN;
        x[9 * inputs + 3] = float.PositiveInfinity;
        float[] w = Uniform(inputs * outputs, 13);
        float[] y = CheckForward(layer, x, w, batch, workers: null);
        Assert.All(y.AsSpan(5 * outputs, outputs).ToArray(), v => Assert.True(float.IsNaN(v)));
        float[] dw = CheckWeightGradient(layer, x, Uniform(batch * outputs, 14), batch, workers: null);
        Assert.All(dw.AsSpan(17 * outputs, outputs).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>The layer's forward pass against the full sum, bit for bit (with a bias when the layer has one).</summary>
    private static float[] CheckForward(DenseLayer layer, float[] x, float[] w, int batch, WorkerPool? workers)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        string context = $"DenseForward {layer} B={batch} threads={workers?.ThreadCount ?? 1}";
        float[] bias = layer.HasBias ? Uniform(outputs, batch + inputs) : [];
        float[] expected = new float[batch * outputs];
        if (GenNet.Kernels.VectorWidth == 0)
        {
            GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, batch, inputs, outputs, layer.Activation, layer.Alpha);
        }
        else
        {
            for (int b = 0; b < batch; b++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    float acc = FullSum(x, b * inputs, 1, w, o, outputs, inputs);
                    expected[b * outputs + o] = GenNet.Kernels.Reference.Activate(layer.HasBias ? acc + bias[o] : acc, layer.Activation, layer.Alpha);
                }
            }
        }
        float[] actual = Filled(batch * outputs, float.NaN);
        layer.Forward(actual, x, w, bias, batch, workers);
        Assert.True(BitIdentical(expected, actual), context);
        return expected;
    }

    /// <summary>dw = xᵀ·dz against the full sum, bit for bit.</summary>
    private static float[] CheckWeightGradient(DenseLayer layer, float[] x, float[] dz, int batch, WorkerPool? workers)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        string context = $"DenseBackwardParameters {layer} B={batch} threads={workers?.ThreadCount ?? 1}";
        float[] expected = new float[inputs * outputs];
        if (GenNet.Kernels.VectorWidth == 0)
        {
            GenNet.Kernels.Reference.DenseBackwardParameters(expected, [], x, dz, batch, inputs, outputs);
        }
        else
        {
            for (int i = 0; i < inputs; i++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    expected[i * outputs + o] = FullSum(x, i, inputs, dz, o, outputs, batch);
                }
            }
        }
        float[] actual = Filled(inputs * outputs, float.NaN);
        layer.BackwardParameters(actual, [], x, dz, batch, workers);
        Assert.True(BitIdentical(expected, actual), context);
        return expected;
    }

    /// <summary>Σ_k a[a0 + k·aStride]·b[b0 + k·bStride] over every k in increasing order from 0, with the kernels' multiply-add:
    /// fused on the Vector512 path and wherever the CPU has FMA.</summary>
    private static float FullSum(float[] a, int a0, int aStride, float[] b, int b0, int bStride, int count)
    {
        bool fused = GenNet.Kernels.VectorWidth == 512 || Fma.IsSupported;
        float acc = 0f;
        for (int k = 0; k < count; k++)
        {
            float p = a[a0 + k * aStride], q = b[b0 + k * bStride];
            acc = fused ? MathF.FusedMultiplyAdd(p, q, acc) : p * q + acc;
        }
        return acc;
    }

    /// <summary>
    /// Zeros the way images have them: whole columns (background pixels no sample in the batch touches), whole rows
    /// (blank samples), and scattered single values, about <paramref name="share"/> of all values in total.
    /// </summary>
    private static float[] WithZeros(float[] x, int rows, int columns, double share, int seed)
    {
        var random = new Random(seed);
        bool[] zeroColumn = Enumerable.Range(0, columns).Select(_ => random.NextDouble() < share / 2).ToArray();
        for (int r = 0; r < rows; r++)
        {
            bool zeroRow = random.NextDouble() < share / 8;
            for (int c = 0; c < columns; c++)
            {
                if (zeroRow || zeroColumn[c] || random.NextDouble() < share)
                {
                    x[r * columns + c] = 0f;
                }
            }
        }
        return x;
    }
}
