using Xunit.Abstractions;

namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>
/// Each generated layer's dense kernels against their <see cref="GenNet.Kernels.Reference"/> twins: every layer of the
/// odd-shape networks (every one- and two-vector tile, row and column tail, activation and derivative) over batches that
/// cover every row tail and the one-row path, and the MNIST shapes.
/// </summary>
public class DenseParityTests(ITestOutputHelper output)
{
    /// <summary>Batches: the one-row path (below a tile's 6 or 8 rows), full row blocks of both heights, and row tails.</summary>
    private static readonly int[] Batches = [0, 1, 5, 7, 8, 9, 13, 16, 17, 31, 33];

    public static TheoryData<int> OddLayers() => [.. Enumerable.Range(0, DenseLayer.OddShapes.Length)];

    [Theory]
    [MemberData(nameof(OddLayers))]
    public void DenseForward_matches_reference_on_odd_sizes(int layer)
    {
        output.WriteLine($"Kernel path: {PathDescription}; {DenseLayer.OddShapes[layer]}");
        int seed = 1000 * layer;
        foreach (int batch in Batches)
        {
            CheckForward(DenseLayer.OddShapes[layer], batch, seed++);
        }
    }

    [Theory]
    [MemberData(nameof(OddLayers))]
    public void DenseBackwardParameters_matches_reference_on_odd_sizes(int layer)
    {
        int seed = 1000 * layer + 300;
        foreach (int batch in Batches)
        {
            CheckBackwardParameters(DenseLayer.OddShapes[layer], batch, seed++);
        }
    }

    [Theory]
    [MemberData(nameof(OddLayers))]
    public void DenseBackwardInput_matches_reference_on_odd_sizes(int layer)
    {
        DenseLayer l = DenseLayer.OddShapes[layer];
        int seed = 1000 * layer + 600;
        foreach (int batch in Batches)
        {
            if (l.HasInputGradient)
            {
                CheckBackwardInput(l, batch, seed++);
            }
            else
            {
                Assert.Throws<InvalidOperationException>(() => l.BackwardInput(new float[batch * l.Inputs], new float[batch * l.Outputs], new float[l.Inputs * l.Outputs], [], batch, null));
            }
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(1)]
    public void Dense_kernels_match_reference_at_mnist_sizes(int batch)
    {
        foreach (DenseLayer layer in new[] { DenseLayer.MnistHidden, DenseLayer.MnistLogits })
        {
            CheckForward(layer, batch, seed: 1);
            CheckBackwardParameters(layer, batch, seed: 7);
        }
        CheckBackwardInput(DenseLayer.MnistLogits, batch, seed: 8);
    }

    /// <summary>
    /// The derivative fused into the input gradient's stores is the multiply <see cref="GenNet.Kernels.ActivationBackward"/>
    /// does, so the fused product equals the plain product followed by that pass, bit for bit, on every thread count.
    /// The plain product is the same shape's layer behind a dropout (DropoutNet), whose input gradient applies no derivative;
    /// the fused one is DropoutFreeTwinNet's (ReLU′ for 12 → 9, Sigmoid′ for 9 → 3).
    /// </summary>
    [Fact]
    public void DenseBackwardInput_with_derivative_equals_the_separate_pass_bit_for_bit()
    {
        int seed = 8000;
        using var pool = new WorkerPool(2);
        var pairs = new[]
        {
            // DropoutNet's Dense layers are its layers 1, 3 and 5 (dropout layers sit between them).
            (Plain: DenseLayer.Of<GenNet.Tests.Networks.DropoutNet.Layer3>(), Fused: DenseLayer.Of<GenNet.Tests.Networks.DropoutFreeTwinNet.Layer2>()),
            (Plain: DenseLayer.Of<GenNet.Tests.Networks.DropoutNet.Layer5>(), Fused: DenseLayer.Of<GenNet.Tests.Networks.DropoutFreeTwinNet.Layer3>()),
        };
        foreach (var (plain, fused) in pairs)
        {
            Assert.Equal(Activation.None, plain.InputActivation);
            Assert.NotEqual(Activation.None, fused.InputActivation);
            Assert.Equal((plain.Inputs, plain.Outputs), (fused.Inputs, fused.Outputs));
            foreach (int batch in Batches.Append(600))
            {
                // y in [−1, 1]: ReLU′ is 0 on about half the elements, so a range the pass missed or doubled would show.
                float[] dz = Uniform(batch * plain.Outputs, seed++), w = Uniform(plain.Inputs * plain.Outputs, seed++), y = Uniform(batch * plain.Inputs, seed++);
                if (y.Length > 0)
                {
                    y[0] = 0f; // the ReLU family's boundary
                }
                float[] separate = new float[batch * plain.Inputs];
                plain.BackwardInput(separate, dz, w, [], batch, null);
                GenNet.Kernels.ActivationBackward(separate, y, fused.InputActivation, fused.InputAlpha);
                foreach (WorkerPool? workers in new[] { null, pool })
                {
                    float[] actual = Filled(batch * plain.Inputs, float.NaN);
                    fused.BackwardInput(actual, dz, w, y, batch, workers);
                    Assert.True(BitIdentical(separate, actual), $"{fused} B={batch} threads={workers?.ThreadCount ?? 1}");
                }
            }
        }
    }

    /// <summary>
    /// Fewer rows than a tile take the one-row path (W read in place); every row must still carry the bits the tiled path
    /// gives the same row inside a larger batch, for every column tail and epilogue.
    /// </summary>
    [Fact]
    public void DenseForward_short_batches_match_the_rows_of_a_full_batch_bit_for_bit()
    {
        const int full = 24;
        int seed = 9000;
        foreach (DenseLayer layer in DenseLayer.OddShapes.Append(DenseLayer.MnistHidden).Append(DenseLayer.MnistLogits))
        {
            float[] x = Uniform(full * layer.Inputs, seed++), w = Uniform(layer.Inputs * layer.Outputs, seed++);
            float[] bias = layer.HasBias ? Uniform(layer.Outputs, seed++) : [];
            float[] batched = new float[full * layer.Outputs];
            layer.Forward(batched, x, w, bias, full, null);
            AssertShortBatchesMatch(layer, batched, x, w, bias, full);
        }
    }

    /// <summary>The one-row path skips zero inputs (and the rows of W they would read); mostly-zero inputs, like MNIST
    /// pixels, must still give the bits of the tiled path and the reference's values.</summary>
    [Fact]
    public void DenseForward_short_batches_with_mostly_zero_inputs_match_a_full_batch_bit_for_bit()
    {
        const int full = 16;
        int seed = 9500;
        foreach (DenseLayer layer in DenseLayer.OddShapes.Where(l => l.Activation is Activation.ReLU or Activation.None).Append(DenseLayer.MnistHidden))
        {
            int inputs = layer.Inputs, outputs = layer.Outputs;
            float[] x = Uniform(full * inputs, seed++), w = Uniform(inputs * outputs, seed++);
            float[] bias = layer.HasBias ? Uniform(outputs, seed++) : [];
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
            layer.Forward(batched, x, w, bias, full, null);
            GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, full, inputs, outputs, layer.Activation, layer.Alpha);
            AssertDenseClose(expected, batched, ForwardMagnitude(x, w, bias, full, inputs, outputs), layer.Name);
            AssertShortBatchesMatch(layer, batched, x, w, bias, full);
        }
    }

    /// <summary>Batches of 1–7 rows (the one-row path) give exactly the first rows of <paramref name="batched"/>.</summary>
    private static void AssertShortBatchesMatch(DenseLayer layer, float[] batched, float[] x, float[] w, float[] bias, int full)
    {
        for (int rows = 1; rows < 8; rows++)
        {
            float[] shortBatch = Filled(rows * layer.Outputs, float.NaN);
            layer.Forward(shortBatch, x.AsSpan(0, rows * layer.Inputs), w, bias, rows, null);
            Assert.True(BitIdentical(batched.AsSpan(0, rows * layer.Outputs), shortBatch),
                $"{layer} B={rows}: differs from the first rows of B={full}");
        }
    }

    private static void CheckForward(DenseLayer layer, int batch, int seed)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        float[] x = Uniform(batch * inputs, seed);
        float[] w = Uniform(inputs * outputs, seed + 1);
        float[] bias = layer.HasBias ? Uniform(outputs, seed + 2) : [];
        float[] expected = new float[batch * outputs];
        float[] actual = Filled(batch * outputs, float.NaN); // overwrite contract: no stale value may survive
        GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, batch, inputs, outputs, layer.Activation, layer.Alpha);
        layer.Forward(actual, x, w, bias, batch, null);
        AssertDenseClose(expected, actual, ForwardMagnitude(x, w, bias, batch, inputs, outputs), $"DenseForward {layer} B={batch}");
    }

    /// <summary>Overwrites every element (the gradient arena is never cleared): starts from NaN.</summary>
    private static void CheckBackwardParameters(DenseLayer layer, int batch, int seed)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        float[] x = Uniform(batch * inputs, seed);
        float[] dz = Uniform(batch * outputs, seed + 1);
        float[] expectedDw = new float[inputs * outputs], expectedDb = new float[outputs];
        float[] actualDw = Filled(inputs * outputs, float.NaN), actualDb = Filled(outputs, float.NaN);
        GenNet.Kernels.Reference.DenseBackwardParameters(expectedDw, expectedDb, x, dz, batch, inputs, outputs);
        layer.BackwardParameters(actualDw, actualDb, x, dz, batch, null);
        string context = $"DenseBackwardParameters {layer} B={batch}";
        AssertDenseClose(expectedDw, actualDw, WeightGradientMagnitude(new float[inputs * outputs], x, dz, batch, inputs, outputs), context + " (dw)");
        AssertDenseClose(expectedDb, actualDb, BiasGradientMagnitude(new float[outputs], dz, batch, outputs), context + " (db)");
    }

    private static void CheckBackwardInput(DenseLayer layer, int batch, int seed)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        float[] dz = Uniform(batch * outputs, seed);
        float[] w = Uniform(inputs * outputs, seed + 1);
        float[] y = Uniform(batch * inputs, seed + 2);
        float[] expected = new float[batch * inputs];
        float[] actual = Filled(batch * inputs, float.NaN);
        GenNet.Kernels.Reference.DenseBackwardInput(expected, dz, w, y, batch, inputs, outputs, layer.InputActivation, layer.InputAlpha);
        layer.BackwardInput(actual, dz, w, y, batch, null);
        // |act′(y)| ≤ 2 for y in [−1, 1] (Sigmoid's y(1 − y) reaches −2 at y = −1), so twice the product's magnitude bounds the error.
        AssertDenseClose(expected, actual, InputGradientMagnitude(dz, w, batch, inputs, outputs).Select(m => 2 * m).ToArray(),
            $"DenseBackwardInput {layer} (with {layer.InputActivation}′) B={batch}");
    }
}
