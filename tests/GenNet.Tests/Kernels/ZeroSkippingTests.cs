namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>
/// The forward product and the weight gradient skip every k at which all inputs of a tile's rows are zero (and the
/// one-row forward every zero input). Skipping fma(0, w, acc) = acc is exact for finite values up to the sign of a zero
/// result (which these random inputs never produce), so on inputs full of zeros the results must be the bits of the
/// full sum. The oracle is <see cref="GenNet.Kernels.DenseBackwardInput(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, WorkerPool?)"/>,
/// which never skips and sums the same terms in the same k order on the same micro-kernels:
/// x·W = x·(Wᵀ)ᵀ, and xᵀ·dz = (xᵀ)·(dzᵀ)ᵀ.
/// </summary>
public class ZeroSkippingTests
{
    private static readonly int[] Batches = [1, 6, 7, 8, 9, 17, 33, 128];
    private static readonly int[] Inputs = [1, 7, 9, 31, 33, 784];
    private static readonly int[] Outputs = [1, 9, 17, 33, 64];

    public static TheoryData<double> ZeroShares() => [0.0, 0.5, 0.81, 0.97, 1.0];

    [Theory]
    [MemberData(nameof(ZeroShares))]
    public void DenseForward_on_inputs_with_zeros_gives_the_bits_of_the_full_sum(double zeroShare)
    {
        int seed = 100;
        foreach (int batch in Batches)
        {
            foreach (int inputs in Inputs)
            {
                foreach (int outputs in Outputs)
                {
                    float[] x = WithZeros(Uniform(batch * inputs, seed++), batch, inputs, zeroShare, seed++);
                    float[] w = Uniform(inputs * outputs, seed++);
                    CheckForward(x, w, batch, inputs, outputs, workers: null);
                }
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
            foreach (int inputs in Inputs)
            {
                foreach (int outputs in Outputs)
                {
                    float[] x = WithZeros(Uniform(batch * inputs, seed++), batch, inputs, zeroShare, seed++);
                    float[] dz = Uniform(batch * outputs, seed++);
                    CheckWeightGradient(x, dz, batch, inputs, outputs, workers: null);
                }
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
        CheckForward(x, Uniform(inputs * hidden, 3), batch, inputs, hidden, pool);
        CheckWeightGradient(x, Uniform(batch * hidden, 4), batch, inputs, hidden, pool);
        // Layer 2 reads ReLU outputs: about half zeros.
        float[] h = WithZeros(Uniform(batch * hidden, 5, 0f, 1f), batch, hidden, 0.5, 6);
        CheckForward(h, Uniform(hidden * classes, 7), batch, hidden, classes, pool);
        CheckWeightGradient(h, Uniform(batch * classes, 8), batch, hidden, classes, pool);
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
            CheckForward(x, Uniform(784 * 40, 23), 400, 784, 40, workers);
            float[] wide = WithZeros(Uniform(128 * 2100, 24, 0f, 1f), 128, 2100, 0.81, 25);
            CheckWeightGradient(wide, Uniform(128 * 33, 26), 128, 2100, 33, workers);
            float[] longRows = WithZeros(Uniform(16 * 33000, 27, 0f, 1f), 16, 33000, 0.81, 28);
            CheckForward(longRows, Uniform(33000 * 33, 29), 16, 33000, 33, workers);
        }
    }

    /// <summary>
    /// The skip is real: an infinite weight in a row whose inputs are all ±0 gives NaN in the full sum (0·∞), and finite
    /// outputs where the tiles leave that row out; an infinite gradient of a blank sample likewise. Batch and inputs are
    /// multiples of 8 and 6, so every tile is a full one on both tile heights. Without a Vector256 path the tiles sum every
    /// k, and the full sum's NaN is the right answer.
    /// </summary>
    [Fact]
    public void Tiles_leave_out_terms_whose_inputs_are_zero_positive_or_negative()
    {
        const int batch = 24, inputs = 48, outputs = 33, zeroColumn = 5, blankSample = 7, infiniteOutput = 20;
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
        GenNet.Kernels.DenseForward(y, x, w, [], batch, inputs, outputs, Activation.None, 0f);
        float[] dw = new float[inputs * outputs];
        GenNet.Kernels.DenseBackwardParameters(dw, [], x, dz, batch, inputs, outputs, accumulate: false);
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
        const int batch = 16, inputs = 40, outputs = 33;
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
        float[] y = CheckForward(x, w, batch, inputs, outputs, workers: null);
        Assert.All(y.AsSpan(5 * outputs, outputs).ToArray(), v => Assert.True(float.IsNaN(v)));
        float[] dw = CheckWeightGradient(x, Uniform(batch * outputs, 14), batch, inputs, outputs, workers: null);
        Assert.All(dw.AsSpan(17 * outputs, outputs).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>Forward without bias or activation (so the result is the bare sum), checked against the oracle; then with a
    /// bias and ReLU against the scalar reference.</summary>
    private static float[] CheckForward(float[] x, float[] w, int batch, int inputs, int outputs, WorkerPool? workers)
    {
        string context = $"DenseForward B={batch} I={inputs} O={outputs} threads={workers?.ThreadCount ?? 1}";
        float[] expected = new float[batch * outputs];
        GenNet.Kernels.DenseBackwardInput(expected, x, Transpose(w, inputs, outputs), batch, outputs, inputs);
        float[] actual = Filled(batch * outputs, float.NaN);
        GenNet.Kernels.DenseForward(actual, x, w, [], batch, inputs, outputs, Activation.None, 0f, workers);
        Assert.True(BitIdentical(expected, actual), context);

        if (x.All(float.IsFinite))
        {
            float[] bias = Uniform(outputs, batch + inputs);
            float[] reference = new float[batch * outputs];
            GenNet.Kernels.Reference.DenseForward(reference, x, w, bias, batch, inputs, outputs, Activation.ReLU, 0f);
            GenNet.Kernels.DenseForward(actual, x, w, bias, batch, inputs, outputs, Activation.ReLU, 0f, workers);
            AssertDenseClose(reference, actual, ForwardMagnitude(x, w, bias, batch, inputs, outputs), context + " (bias, ReLU)");
        }
        return expected;
    }

    /// <summary>dw = xᵀ·dz, overwritten and accumulated, against the oracle.</summary>
    private static float[] CheckWeightGradient(float[] x, float[] dz, int batch, int inputs, int outputs, WorkerPool? workers)
    {
        string context = $"DenseBackwardParameters B={batch} I={inputs} O={outputs} threads={workers?.ThreadCount ?? 1}";
        float[] expected = new float[inputs * outputs];
        GenNet.Kernels.DenseBackwardInput(expected, Transpose(x, batch, inputs), Transpose(dz, batch, outputs), inputs, outputs, batch);
        float[] actual = Filled(inputs * outputs, float.NaN);
        GenNet.Kernels.DenseBackwardParameters(actual, [], x, dz, batch, inputs, outputs, accumulate: false, workers);
        Assert.True(BitIdentical(expected, actual), context + " (=)");

        float[] start = Uniform(inputs * outputs, batch * 7 + inputs);
        float[] accumulated = (float[])start.Clone();
        GenNet.Kernels.DenseBackwardParameters(accumulated, [], x, dz, batch, inputs, outputs, accumulate: true, workers);
        float[] expectedSum = start.Select((s, k) => s + expected[k]).ToArray();
        Assert.True(BitIdentical(expectedSum, accumulated), context + " (+=)");
        return expected;
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

    private static float[] Transpose(float[] m, int rows, int columns)
    {
        float[] t = new float[m.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                t[c * rows + r] = m[r * columns + c];
            }
        }
        return t;
    }
}
