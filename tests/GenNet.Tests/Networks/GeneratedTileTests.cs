namespace GenNet.Tests.Networks;

/// <summary>
/// The register tiles the generator emits per layer against the GEMM engine's own tiles: a generated network must give
/// the bits of the same kernel calls made through the non-generic kernels, which run no generated code. CI runs this
/// again with AVX-512 off (the 6×16 Vector256 tiles) and without AVX2 or intrinsics (no generated tile runs).
/// </summary>
public class GeneratedTileTests
{
    // WideTileNet's layers, as declared: inputs, outputs, activation, LeakyReLU slope, bias.
    private static readonly (int In, int Out, Activation Act, float Alpha, bool Bias)[] s_layers =
    [
        (37, 70, Activation.ReLU, 0f, false),
        (70, 33, Activation.LeakyReLU, 0.05f, true),
        (33, 40, Activation.Sigmoid, 0f, true),
        (40, 35, Activation.Tanh, 0f, true),
        (35, 48, Activation.None, 0f, true),
        (48, 16, Activation.ReLU, 0f, true),
        (16, 15, Activation.ReLU, 0f, true),
        (15, 8, Activation.Sigmoid, 0f, true),
        (8, 7, Activation.Tanh, 0f, true),
        (7, 6, Activation.Sigmoid, 0f, true),
        (6, 5, Activation.LeakyReLU, 0.05f, true),
        (5, 13, Activation.None, 0f, false),
    ];

    public static TheoryData<int, double, int, bool> Cases()
    {
        var cases = new TheoryData<int, double, int, bool>();
        foreach (int rows in new[] { 1, 5, 6, 8, 13, 24, 50 })
        {
            cases.Add(rows, 0.5, 1, false);
        }
        cases.Add(50, 0.0, 1, false);
        cases.Add(50, 0.9, 3, false);
        cases.Add(24, 0.5, 2, false);
        cases.Add(24, 0.5, 1, true);
        cases.Add(50, 0.5, 3, true);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_network_gives_the_bits_of_the_engine_kernels(int rows, double zeroShare, int threads, bool nonFinite)
    {
        using var net = new WideTileNet(50, seed: 21, threads: threads);
        var rng = new Random(rows * 31 + threads);
        // Some parameters redrawn, so the biases (zero after initialisation) reach the fused bias add as non-zero values.
        Span<float> parameters = net.Parameters;
        for (int k = 0; k < parameters.Length; k++)
        {
            if (rng.NextDouble() < 0.05)
            {
                parameters[k] = (float)(rng.NextDouble() - 0.5);
            }
        }
        if (nonFinite)
        {
            // A dead ReLU unit (a bias of −100 zeroes its output for every sample) feeding a −∞ weight of the one-vector
            // ReLU product of layer 7 (15 columns). Summing every term gives NaN and ReLU(NaN) = 0; skipping the zero
            // inputs would give ReLU of a finite sum, positive through a bias of +100. The paths agree only if they skip
            // the same terms (on a one-vector product, none).
            parameters[WeightOffset(5) + 48 * 16 + 2] = -100f;
            parameters[WeightOffset(6) + 2 * 15 + 14] = float.NegativeInfinity;
            parameters[WeightOffset(6) + 16 * 15 + 14] = 100f;
        }
        float[] x = new float[rows * WideTileNet.InputSize];
        for (int k = 0; k < x.Length; k++)
        {
            x[k] = rng.NextDouble() < zeroShare ? 0f : (float)(2 * rng.NextDouble() - 1);
        }
        int[] labels = Enumerable.Range(0, rows).Select(_ => rng.Next(WideTileNet.OutputSize)).ToArray();

        float loss = net.ComputeGradients(x, labels, rows);
        float[] probabilities = new float[rows * WideTileNet.OutputSize];
        net.Predict(x, probabilities, rows);

        float[] p = net.Parameters.ToArray();
        var (expectedLoss, expectedGradients, expectedProbabilities) = EngineOnly(p, x, labels, rows);
        Assert.Equal(BitConverter.SingleToInt32Bits(expectedLoss), BitConverter.SingleToInt32Bits(loss));
        AssertBits(expectedGradients, net.Gradients, "gradients");
        AssertBits(expectedProbabilities, probabilities, "Predict");
    }

    [Fact]
    public void Each_layer_has_exactly_the_tiles_its_shape_and_activations_allow()
    {
        // (forward, weight gradient, input gradient, input activation) per layer: every product has a tile, except a
        // Sigmoid or Tanh forward (computed in the engine's epilogue) and the first layer's input gradient; a linear
        // layer's successor stores its input gradient plain.
        var expected = new (bool Forward, bool WeightGradient, bool InputGradient, Activation Input)[]
        {
            (true, true, false, Activation.None),
            (true, true, true, Activation.ReLU),
            (false, true, true, Activation.LeakyReLU),
            (false, true, true, Activation.Sigmoid),
            (true, true, true, Activation.Tanh),
            (true, true, true, Activation.None),
            (true, true, true, Activation.ReLU),
            (false, true, true, Activation.ReLU),
            (false, true, true, Activation.Sigmoid),
            (false, true, true, Activation.Tanh),
            (true, true, true, Activation.Sigmoid),
            (true, true, true, Activation.LeakyReLU),
        };
        Type[] layers = typeof(WideTileNet).Assembly.GetTypes()
            .Where(t => typeof(global::GenNet.Kernels.IDenseLayerKernels).IsAssignableFrom(t) && t.Name.Contains("WideTileNetLayer", StringComparison.Ordinal))
            .OrderBy(t => int.Parse(t.Name[(t.Name.LastIndexOf("Layer", StringComparison.Ordinal) + 5)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal(expected.Length, layers.Length);
        for (int l = 0; l < layers.Length; l++)
        {
            var actual = (Flag(layers[l], "HasForwardTile"), Flag(layers[l], "HasWeightGradientTile"), Flag(layers[l], "HasInputGradientTile"),
                (Activation?)layers[l].GetProperty("InputActivation")?.GetValue(null) ?? Activation.None);
            Assert.True(expected[l] == actual, $"layer {l + 1}: expected {expected[l]}, generated {actual}.");
            Assert.Equal(s_layers[l].In, (int)layers[l].GetProperty("Inputs")!.GetValue(null)!);
            Assert.Equal(s_layers[l].Out, (int)layers[l].GetProperty("Outputs")!.GetValue(null)!);
        }

        // A property the struct does not declare is the interface's default: false.
        static bool Flag(Type layer, string name) => (bool?)layer.GetProperty(name)?.GetValue(null) ?? false;
    }

    // Where layer l's (0-based) weights start in the parameter arena: W then b, layer by layer.
    private static int WeightOffset(int layer) =>
        s_layers.Take(layer).Sum(l => l.In * l.Out + (l.Bias ? l.Out : 0));

    // The generated passes of WideTileNet, written out as non-generic kernel calls (the engine's tiles only).
    private static (float Loss, float[] Gradients, float[] Probabilities) EngineOnly(float[] p, float[] x, int[] labels, int rows)
    {
        int layers = s_layers.Length;
        int[] weights = Enumerable.Range(0, layers).Select(WeightOffset).ToArray();
        int[] biases = Enumerable.Range(0, layers).Select(l => weights[l] + s_layers[l].In * s_layers[l].Out).ToArray();
        Assert.Equal(p.Length, WeightOffset(layers));
        var a = new float[layers + 1][];
        a[0] = x;
        for (int l = 0; l < layers; l++)
        {
            var (i, o, act, alpha, bias) = s_layers[l];
            a[l + 1] = new float[rows * o];
            global::GenNet.Kernels.DenseForward(a[l + 1], a[l], p.AsSpan(weights[l], i * o), bias ? p.AsSpan(biases[l], o) : default, rows, i, o, act, alpha);
        }
        int classes = s_layers[^1].Out;
        var probabilities = new float[rows * classes];
        global::GenNet.Kernels.Softmax(probabilities, a[layers], rows, classes);

        var dz = new float[rows * classes];
        float loss = global::GenNet.Kernels.SoftmaxCrossEntropy(dz, a[layers], labels, rows, classes, 1f / rows) / rows;
        var gradients = new float[p.Length];
        for (int l = layers - 1; l >= 0; l--)
        {
            var (i, o, _, _, bias) = s_layers[l];
            global::GenNet.Kernels.DenseBackwardParameters(gradients.AsSpan(weights[l], i * o), bias ? gradients.AsSpan(biases[l], o) : default,
                a[l], dz, rows, i, o, accumulate: false);
            if (l > 0)
            {
                var dx = new float[rows * i];
                global::GenNet.Kernels.DenseBackwardInput(dx, dz, p.AsSpan(weights[l], i * o), a[l], rows, i, o, s_layers[l - 1].Act, s_layers[l - 1].Alpha);
                dz = dx;
            }
        }
        return (loss, gradients, probabilities);
    }

    private static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            if (BitConverter.SingleToInt32Bits(expected[k]) != BitConverter.SingleToInt32Bits(actual[k]))
            {
                Assert.Fail($"{what}[{k}] is {actual[k]:R}; the engine's tiles give {expected[k]:R} (vector width {(global::GenNet.Kernels.VectorWidth)}).");
            }
        }
    }
}
