namespace GenNet.Tests.Networks;

/// <summary>
/// The register tiles the generator emits per layer, through a whole network: WideTileNet (TestNetworks.cs) covers every
/// tile kind, tail and fused epilogue. Its loss, gradients and probabilities must keep their exact bits, recorded per
/// vector width from the engine's own tiles before the generated tiles replaced them (a hash of every float, −0 counted as
/// +0 since zero skipping may flip the sign of a zero), so a change to any tile's arithmetic or store fails here. Every
/// path, the Vector128 and scalar ones included, is also held against the scalar reference.
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

    // Per case: rows, share of zero inputs, threads, the non-finite weights below, and the hash of the results with
    // Vector512 and with Vector256 tiles.
    private static readonly (int Rows, double ZeroShare, int Threads, bool NonFinite, ulong Hash512, ulong Hash256)[] s_cases =
    [
        (1, 0.5, 1, false, 0xA466A9BD47F7B7E2UL, 0xA466A9BD47F7B7E2UL),
        (5, 0.5, 1, false, 0xB55D6F73915D722CUL, 0xB55D6F73915D722CUL),
        (6, 0.5, 1, false, 0xF824E82BDD3D50B2UL, 0xF824E82BDD3D50B2UL),
        (8, 0.5, 1, false, 0x6D7747472C2F22FDUL, 0x6D7747472C2F22FDUL),
        (13, 0.5, 1, false, 0xDECE2F531DA50DEBUL, 0xDECE2F531DA50DEBUL),
        (24, 0.5, 1, false, 0x3ACDD8FD2F06873BUL, 0x3ACDD8FD2F06873BUL),
        (50, 0.5, 1, false, 0x79423E685158DE26UL, 0x79423E685158DE26UL),
        (50, 0.0, 1, false, 0x5C144284F8C7DC8BUL, 0x5C144284F8C7DC8BUL),
        (50, 0.9, 3, false, 0x62131E9FF651FAE1UL, 0x62131E9FF651FAE1UL),
        (24, 0.5, 2, false, 0xDF37E2C63E64C77AUL, 0xDF37E2C63E64C77AUL),
        (24, 0.5, 1, true, 0xC0C9883C02DE19D7UL, 0xC0C9883C02DE19D7UL),
        (50, 0.5, 3, true, 0x7F0EC24407780902UL, 0x7F0EC24407780902UL),
    ];

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, s_cases.Length)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_network_keeps_the_bits_of_its_tiles(int index)
    {
        var (rows, zeroShare, threads, nonFinite, hash512, hash256) = s_cases[index];
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
            // inputs would give ReLU of a finite sum, positive through a bias of +100: which one a tile gives is part of
            // its bits. Both widths sum every k here: with Vector512 a one-vector product, with Vector256 a product of one
            // 16-column block over a hidden layer's output (their Vector256 hashes differed until 2026-12-06, when such
            // products stopped listing their zeros: Gemm/Kernels.Gemm.Blocking.cs).
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

        if (!nonFinite)
        {
            float[] expected = ReferenceProbabilities(net.Parameters.ToArray(), x, rows);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.True(Math.Abs(expected[k] - probabilities[k]) <= 1e-4f, $"Predict[{k}] is {probabilities[k]:R}; the scalar reference gives {expected[k]:R}.");
            }
        }
        int width = global::GenNet.Kernels.VectorWidth;
        if (width >= 256)
        {
            ulong actual = BitHash.Of([loss], net.Gradients.ToArray(), probabilities);
            ulong recorded = width == 512 ? hash512 : hash256;
            Assert.True(recorded == actual, $"case {index} on Vector{width}: results hash to 0x{actual:X16}UL, recorded 0x{recorded:X16}UL.");
        }
    }

    [Fact]
    public void Each_layer_has_exactly_the_tiles_its_shape_and_activations_allow()
    {
        // (fused forward, input gradient, input activation) per layer: every forward has a fused tile except a Sigmoid or
        // Tanh one (its accumulator tile then goes through the engine's epilogue), every layer but the first has an input
        // gradient, and a linear layer's successor stores its input gradient plain.
        var expected = new (bool Forward, bool InputGradient, Activation Input)[]
        {
            (true, false, Activation.None),
            (true, true, Activation.ReLU),
            (false, true, Activation.LeakyReLU),
            (false, true, Activation.Sigmoid),
            (true, true, Activation.Tanh),
            (true, true, Activation.None),
            (true, true, Activation.ReLU),
            (false, true, Activation.ReLU),
            (false, true, Activation.Sigmoid),
            (false, true, Activation.Tanh),
            (true, true, Activation.Sigmoid),
            (true, true, Activation.LeakyReLU),
        };
        Type[] layers = typeof(WideTileNet).GetNestedTypes(System.Reflection.BindingFlags.NonPublic)
            .Where(t => typeof(global::GenNet.Kernels.IDenseLayerKernels).IsAssignableFrom(t))
            .OrderBy(t => int.Parse(t.Name["Layer".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal(expected.Length, layers.Length);
        for (int l = 0; l < layers.Length; l++)
        {
            Assert.Equal($"Layer{l + 1}", layers[l].Name);
            var actual = (Flag(layers[l], "HasForwardTile"), Flag(layers[l], "HasInputGradientTile"),
                (Activation?)layers[l].GetProperty("InputActivation")?.GetValue(null) ?? Activation.None);
            Assert.True(expected[l] == actual, $"layer {l + 1}: expected {expected[l]}, generated {actual}.");
            Assert.Equal(s_layers[l].In, (int)layers[l].GetProperty("Inputs")!.GetValue(null)!);
            Assert.Equal(s_layers[l].Out, (int)layers[l].GetProperty("Outputs")!.GetValue(null)!);
            Assert.NotNull(layers[l].GetMethod("OutputsAccumulatorTile"));
            Assert.Equal(l > 0, layers[l].GetMethod("InputsAccumulatorTile") is not null);
        }

        // A property the struct does not declare is the interface's default: false.
        static bool Flag(Type layer, string name) => (bool?)layer.GetProperty(name)?.GetValue(null) ?? false;
    }

    // Where layer l's (0-based) weights start in the parameter arena: W then b, layer by layer.
    private static int WeightOffset(int layer) =>
        s_layers.Take(layer).Sum(l => l.In * l.Out + (l.Bias ? l.Out : 0));

    // WideTileNet's forward pass and softmax, written out as scalar reference calls.
    private static float[] ReferenceProbabilities(float[] p, float[] x, int rows)
    {
        Assert.Equal(p.Length, WeightOffset(s_layers.Length));
        float[] a = x;
        for (int l = 0; l < s_layers.Length; l++)
        {
            var (i, o, act, alpha, bias) = s_layers[l];
            int w = WeightOffset(l);
            float[] next = new float[rows * o];
            global::GenNet.Kernels.Reference.DenseForward(next, a, p.AsSpan(w, i * o), bias ? p.AsSpan(w + i * o, o) : default, rows, i, o, act, alpha);
            a = next;
        }
        int classes = s_layers[^1].Out;
        var probabilities = new float[rows * classes];
        global::GenNet.Kernels.Reference.Softmax(probabilities, a, rows, classes);
        return probabilities;
    }

    // FNV-1a over the bits of every float, −0 as +0.
}
