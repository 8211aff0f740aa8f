using Xunit.Abstractions;

namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>The dense kernels against their <see cref="GenNet.Kernels.Reference"/> twins, over every tail and the MNIST shapes.</summary>
public class DenseParityTests(ITestOutputHelper output)
{
    public static TheoryData<Activation, bool> ActivationsAndBias()
    {
        var data = new TheoryData<Activation, bool>();
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            data.Add(activation, true);
            data.Add(activation, false);
        }
        return data;
    }

    public static TheoryData<int, int, int> MnistShapes() => new()
    {
        { 128, 784, 512 },
        { 128, 512, 10 },
        { 1, 784, 512 },
    };

    [Theory]
    [MemberData(nameof(ActivationsAndBias))]
    public void DenseForward_matches_reference_on_odd_sizes(Activation activation, bool withBias)
    {
        output.WriteLine($"Kernel path: {PathDescription}");
        int seed = 0;
        foreach (int batch in OddSizes)
        {
            foreach (int inputs in OddSizes)
            {
                foreach (int outputs in OddSizes)
                {
                    CheckForward(batch, inputs, outputs, activation, withBias, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(MnistShapes))]
    public void DenseForward_matches_reference_at_mnist_sizes(int batch, int inputs, int outputs)
    {
        CheckForward(batch, inputs, outputs, Activation.ReLU, withBias: true, seed: 1);
        CheckForward(batch, inputs, outputs, Activation.None, withBias: false, seed: 2);
    }

    [Fact]
    public void DenseForward_handles_zero_sizes()
    {
        CheckForward(0, 5, 7, Activation.ReLU, true, 3);
        CheckForward(4, 0, 7, Activation.Sigmoid, true, 4);
        CheckForward(4, 5, 0, Activation.None, true, 5);
    }

    /// <summary>
    /// Fewer rows than a tile take the one-row path (W read in place); every row must still carry the bits the tiled path
    /// gives the same row inside a larger batch, for every column tail and epilogue.
    /// </summary>
    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.Tanh)]
    public void DenseForward_short_batches_match_the_rows_of_a_full_batch_bit_for_bit(Activation activation)
    {
        const int full = 24;
        int seed = 9000;
        foreach (int inputs in new[] { 1, 7, 33, 784 })
        {
            foreach (int outputs in new[] { 1, 10, 16, 17, 31, 33, 64, 100, 257, 512, 531 })
            {
                float[] x = Uniform(full * inputs, seed++), w = Uniform(inputs * outputs, seed++), bias = Uniform(outputs, seed++);
                float[] batched = new float[full * outputs];
                GenNet.Kernels.DenseForward(batched, x, w, bias, full, inputs, outputs, activation, 0.01f);
                AssertShortBatchesMatch(batched, x, w, bias, full, inputs, outputs, activation, 0.01f);
            }
        }
    }

    [Fact]
    public void DenseBackwardParameters_matches_reference_on_odd_sizes()
    {
        int seed = 100;
        foreach (int batch in OddSizes)
        {
            foreach (int inputs in OddSizes)
            {
                foreach (int outputs in OddSizes)
                {
                    CheckBackwardParameters(batch, inputs, outputs, withBias: seed % 2 == 0, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(MnistShapes))]
    public void DenseBackwardParameters_matches_reference_at_mnist_sizes(int batch, int inputs, int outputs)
        => CheckBackwardParameters(batch, inputs, outputs, withBias: true, seed: 7);

    /// <summary>accumulate: false must overwrite every element (the arena is never cleared): start from NaN.</summary>
    [Fact]
    public void DenseBackwardParameters_overwrite_matches_reference_on_odd_sizes()
    {
        int seed = 300;
        foreach (int batch in OddSizes)
        {
            foreach (int inputs in OddSizes)
            {
                foreach (int outputs in OddSizes)
                {
                    CheckBackwardParametersOverwrite(batch, inputs, outputs, seed++);
                }
            }
        }
        CheckBackwardParametersOverwrite(128, 784, 512, seed++);
        CheckBackwardParametersOverwrite(128, 512, 10, seed++);
    }

    public static TheoryData<Activation> Activations() => [.. Enum.GetValues<Activation>()];

    [Theory]
    [MemberData(nameof(Activations))]
    public void DenseBackwardInput_with_derivative_matches_reference_on_odd_sizes(Activation activation)
    {
        int seed = 7000;
        foreach (int batch in OddSizes)
        {
            foreach (int inputs in OddSizes)
            {
                foreach (int outputs in OddSizes)
                {
                    CheckBackwardInputFused(batch, inputs, outputs, activation, seed++);
                }
            }
        }
        CheckBackwardInputFused(128, 512, 10, activation, seed++);
        CheckBackwardInputFused(128, 784, 512, activation, seed++);
    }

    /// <summary>The derivative is the same multiply ActivationBackward does, so the two routes agree bit for bit, on
    /// every thread count (the pass splits over the pool).</summary>
    [Theory]
    [MemberData(nameof(Activations))]
    public void DenseBackwardInput_with_derivative_equals_the_separate_pass_bit_for_bit(Activation activation)
    {
        const float alpha = 0.03f;
        int seed = 8000;
        using var pool = new WorkerPool(2);
        foreach ((int batch, int inputs, int outputs) in new[] { (1, 1, 1), (7, 33, 9), (9, 17, 31), (128, 512, 10), (33, 784, 45), (600, 129, 77) })
        {
            // y in [−1, 1]: the ReLU family's derivative is 0 (or alpha) on about half the elements, so a range the pass
            // missed or doubled would show.
            float[] dz = Uniform(batch * outputs, seed++), w = Uniform(inputs * outputs, seed++), y = Uniform(batch * inputs, seed++);
            y[0] = 0f; // the ReLU family's boundary
            float[] separate = new float[batch * inputs];
            GenNet.Kernels.DenseBackwardInput(separate, dz, w, batch, inputs, outputs);
            GenNet.Kernels.ActivationBackward(separate, y, activation, alpha);
            foreach (WorkerPool? workers in new[] { null, pool })
            {
                float[] fused = Filled(batch * inputs, float.NaN);
                GenNet.Kernels.DenseBackwardInput(fused, dz, w, y, batch, inputs, outputs, activation, alpha, workers);
                Assert.True(BitIdentical(separate, fused), $"B={batch} I={inputs} O={outputs} {activation} threads={workers?.ThreadCount ?? 1}");
            }
        }
    }

    /// <summary>The one-row path skips zero inputs (and the rows of W they would read); mostly-zero inputs, like MNIST
    /// pixels, must still give the bits of the tiled path and the reference's values.</summary>
    [Theory]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.None)]
    public void DenseForward_short_batches_with_mostly_zero_inputs_match_a_full_batch_bit_for_bit(Activation activation)
    {
        const int full = 16;
        int seed = 9500;
        foreach (int inputs in new[] { 1, 7, 33, 784 })
        {
            foreach (int outputs in new[] { 1, 10, 17, 33, 257, 512 })
            {
                float[] x = Uniform(full * inputs, seed++), w = Uniform(inputs * outputs, seed++), bias = Uniform(outputs, seed++);
                var random = new Random(seed++);
                for (int k = 0; k < x.Length; k++)
                {
                    if (random.NextDouble() < 0.8)
                    {
                        x[k] = random.Next(2) == 0 ? 0f : -0f;
                    }
                }
                x.AsSpan(0, inputs).Clear(); // one all-zero row: the sum is the bias alone
                float[] batched = new float[full * outputs], expected = new float[full * outputs];
                GenNet.Kernels.DenseForward(batched, x, w, bias, full, inputs, outputs, activation, 0f);
                GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, full, inputs, outputs, activation, 0f);
                AssertDenseClose(expected, batched, ForwardMagnitude(x, w, bias, full, inputs, outputs), $"I={inputs} O={outputs}");
                AssertShortBatchesMatch(batched, x, w, bias, full, inputs, outputs, activation, 0f);
            }
        }
    }

    [Fact]
    public void DenseBackwardInput_matches_reference_on_odd_sizes()
    {
        int seed = 5000;
        foreach (int batch in OddSizes)
        {
            foreach (int inputs in OddSizes)
            {
                foreach (int outputs in OddSizes)
                {
                    CheckBackwardInput(batch, inputs, outputs, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(MnistShapes))]
    public void DenseBackwardInput_matches_reference_at_mnist_sizes(int batch, int inputs, int outputs)
        => CheckBackwardInput(batch, inputs, outputs, seed: 8);

    /// <summary>Batches of 1–7 rows (the one-row path) give exactly the first rows of <paramref name="batched"/>.</summary>
    private static void AssertShortBatchesMatch(float[] batched, float[] x, float[] w, float[] bias, int full, int inputs, int outputs,
        Activation activation, float alpha)
    {
        for (int rows = 1; rows < 8; rows++)
        {
            float[] shortBatch = Filled(rows * outputs, float.NaN);
            GenNet.Kernels.DenseForward(shortBatch, x.AsSpan(0, rows * inputs), w, bias, rows, inputs, outputs, activation, alpha);
            Assert.True(BitIdentical(batched.AsSpan(0, rows * outputs), shortBatch),
                $"B={rows} I={inputs} O={outputs} {activation}: differs from the first rows of B={full}");
        }
    }

    private static void CheckForward(int batch, int inputs, int outputs, Activation activation, bool withBias, int seed)
    {
        const float alpha = 0.01f;
        float[] x = Uniform(batch * inputs, seed);
        float[] w = Uniform(inputs * outputs, seed + 1);
        float[] bias = withBias ? Uniform(outputs, seed + 2) : [];
        float[] expected = new float[batch * outputs];
        float[] actual = Filled(batch * outputs, float.NaN); // overwrite contract: no stale value may survive
        GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, batch, inputs, outputs, activation, alpha);
        GenNet.Kernels.DenseForward(actual, x, w, bias, batch, inputs, outputs, activation, alpha);
        AssertDenseClose(expected, actual, ForwardMagnitude(x, w, bias, batch, inputs, outputs),
            $"DenseForward B={batch} I={inputs} O={outputs} {activation} bias={withBias}");
    }

    private static void CheckBackwardParameters(int batch, int inputs, int outputs, bool withBias, int seed)
    {
        float[] x = Uniform(batch * inputs, seed);
        float[] dz = Uniform(batch * outputs, seed + 1);
        float[] dw0 = Uniform(inputs * outputs, seed + 2); // accumulate contract: start from non-zero gradients
        float[] db0 = withBias ? Uniform(outputs, seed + 3) : [];
        float[] expectedDw = (float[])dw0.Clone(), actualDw = (float[])dw0.Clone();
        float[] expectedDb = (float[])db0.Clone(), actualDb = (float[])db0.Clone();
        GenNet.Kernels.Reference.DenseBackwardParameters(expectedDw, expectedDb, x, dz, batch, inputs, outputs);
        GenNet.Kernels.DenseBackwardParameters(actualDw, actualDb, x, dz, batch, inputs, outputs);
        string context = $"DenseBackwardParameters B={batch} I={inputs} O={outputs} db={withBias}";
        AssertDenseClose(expectedDw, actualDw, WeightGradientMagnitude(dw0, x, dz, batch, inputs, outputs), context + " (dw)");
        if (withBias)
        {
            AssertDenseClose(expectedDb, actualDb, BiasGradientMagnitude(db0, dz, batch, outputs), context + " (db)");
        }
    }

    private static void CheckBackwardParametersOverwrite(int batch, int inputs, int outputs, int seed)
    {
        float[] x = Uniform(batch * inputs, seed);
        float[] dz = Uniform(batch * outputs, seed + 1);
        float[] expectedDw = new float[inputs * outputs], expectedDb = new float[outputs];
        float[] actualDw = Filled(inputs * outputs, float.NaN), actualDb = Filled(outputs, float.NaN);
        GenNet.Kernels.Reference.DenseBackwardParameters(expectedDw, expectedDb, x, dz, batch, inputs, outputs, accumulate: false);
        GenNet.Kernels.DenseBackwardParameters(actualDw, actualDb, x, dz, batch, inputs, outputs, accumulate: false);
        string context = $"DenseBackwardParameters (overwrite) B={batch} I={inputs} O={outputs}";
        AssertDenseClose(expectedDw, actualDw, WeightGradientMagnitude(new float[inputs * outputs], x, dz, batch, inputs, outputs), context + " (dw)");
        AssertDenseClose(expectedDb, actualDb, BiasGradientMagnitude(new float[outputs], dz, batch, outputs), context + " (db)");
    }

    private static void CheckBackwardInputFused(int batch, int inputs, int outputs, Activation activation, int seed)
    {
        const float alpha = 0.03f;
        float[] dz = Uniform(batch * outputs, seed);
        float[] w = Uniform(inputs * outputs, seed + 1);
        float[] y = Uniform(batch * inputs, seed + 2);
        float[] expected = new float[batch * inputs];
        float[] actual = Filled(batch * inputs, float.NaN);
        GenNet.Kernels.Reference.DenseBackwardInput(expected, dz, w, y, batch, inputs, outputs, activation, alpha);
        GenNet.Kernels.DenseBackwardInput(actual, dz, w, y, batch, inputs, outputs, activation, alpha);
        // |act′(y)| ≤ 2 for y in [−1, 1] (Sigmoid's y(1 − y) reaches −2 at y = −1), so twice the product's magnitude bounds the error.
        AssertDenseClose(expected, actual, InputGradientMagnitude(dz, w, batch, inputs, outputs).Select(m => 2 * m).ToArray(),
            $"DenseBackwardInput (with {activation}′) B={batch} I={inputs} O={outputs}");
    }

    private static void CheckBackwardInput(int batch, int inputs, int outputs, int seed)
    {
        float[] dz = Uniform(batch * outputs, seed);
        float[] w = Uniform(inputs * outputs, seed + 1);
        float[] expected = new float[batch * inputs];
        float[] actual = Filled(batch * inputs, float.NaN);
        GenNet.Kernels.Reference.DenseBackwardInput(expected, dz, w, batch, inputs, outputs);
        GenNet.Kernels.DenseBackwardInput(actual, dz, w, batch, inputs, outputs);
        AssertDenseClose(expected, actual, InputGradientMagnitude(dz, w, batch, inputs, outputs),
            $"DenseBackwardInput B={batch} I={inputs} O={outputs}");
    }
}
