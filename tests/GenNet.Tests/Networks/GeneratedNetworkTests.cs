using GenNet.Models;

namespace GenNet.Tests.Networks;

/// <summary>The generated API: sizes, forward against a hand-composed reference, batching, seeding, argument checks.</summary>
public class GeneratedNetworkTests
{
    [Fact]
    public void Mnist_mlp_constants_follow_the_declaration()
    {
        Assert.Equal(784, MnistMlp.InputSize);
        Assert.Equal(10, MnistMlp.OutputSize);
        Assert.Equal(784 * 512 + 512 + 512 * 10 + 10, MnistMlp.ParameterCount);
        Assert.Equal("Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy", MnistMlp.Architecture);
        INetwork net = new MnistMlp(4);
        Assert.Equal(MnistMlp.ParameterCount, net.Parameters.Length);
        Assert.Equal(MnistMlp.ParameterCount, net.Gradients.Length);
        Assert.Equal(MnistMlp.ArchitectureHash, net.ArchitectureHash);
        Assert.NotEqual(TinyReluNet.ArchitectureHash, net.ArchitectureHash);
    }

    [Fact]
    public void Initialisation_is_He_for_relu_and_Glorot_otherwise_with_zero_biases()
    {
        var net = new MnistMlp(1, seed: 1);
        Span<float> p = net.Parameters;
        float he = MathF.Sqrt(6f / 784), glorot = MathF.Sqrt(6f / (512 + 10));
        Span<float> w1 = p[..(784 * 512)], b1 = p.Slice(784 * 512, 512), w2 = p.Slice(784 * 512 + 512, 5120), b2 = p[^10..];
        Assert.True(MaxAbs(w1) <= he && MaxAbs(w1) > 0.95f * he);
        Assert.True(MaxAbs(w2) <= glorot && MaxAbs(w2) > 0.9f * glorot);
        Assert.Equal(0f, MaxAbs(b1));
        Assert.Equal(0f, MaxAbs(b2));
    }

    [Fact]
    public void Same_seed_gives_bit_identical_parameters_and_other_seeds_differ()
    {
        Assert.True(new MnistMlp(2, seed: 9).Parameters.SequenceEqual(new MnistMlp(8, seed: 9).Parameters));
        Assert.False(new MnistMlp(2, seed: 9).Parameters.SequenceEqual(new MnistMlp(2, seed: 10).Parameters));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    public void Predict_matches_a_reference_composed_from_scalar_kernels(int count)
    {
        var net = new EveryActivationNet(8, seed: 2);
        var rng = new Rng(4);
        float[] x = GradientCheckTests.RandomArray(rng, count * EveryActivationNet.InputSize, 2f);
        var actual = new float[count * EveryActivationNet.OutputSize];
        net.Predict(x, actual, count);

        // The same network written by hand: layer sizes 9 → 17 → 33 → 8 → 3.
        ReadOnlySpan<float> p = net.Parameters;
        int[] sizes = [9, 17, 33, 8, 3];
        (Activation, float)[] activations = [(Activation.LeakyReLU, 0.1f), (Activation.Sigmoid, 0f), (Activation.Tanh, 0f), (Activation.None, 0f)];
        float[] a = x;
        int offset = 0;
        for (int l = 0; l < 4; l++)
        {
            int i = sizes[l], o = sizes[l + 1];
            var y = new float[count * o];
            global::GenNet.Kernels.Reference.DenseForward(y, a, p.Slice(offset, i * o), p.Slice(offset + i * o, o), count, i, o, activations[l].Item1, activations[l].Item2);
            offset += i * o + o;
            a = y;
        }
        var expected = new float[a.Length];
        global::GenNet.Kernels.Reference.Softmax(expected, a, count, 3);

        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], actual[k], 1e-5f);
        }
    }

    [Fact]
    public void Forward_equals_the_matching_Predict_row_and_gives_probabilities()
    {
        var net = new TinyReluNet(4, seed: 3);
        float[] x = GradientCheckTests.RandomArray(new Rng(5), 10 * 5, 1f);
        var all = new float[10 * 3];
        net.Predict(x, all, 10);   // 10 samples through a batch-4 network: chunks of 4, 4, 2
        var one = new float[3];
        for (int s = 0; s < 10; s++)
        {
            net.Forward(x.AsSpan(s * 5, 5), one);
            Assert.Equal(1f, one.Sum(), 1e-5f);
            for (int c = 0; c < 3; c++) Assert.Equal(all[s * 3 + c], one[c], 1e-6f);
        }
    }

    [Fact]
    public void Evaluate_counts_correct_predictions_across_chunks()
    {
        var net = new TinyReluNet(3, seed: 8);
        float[] x = GradientCheckTests.RandomArray(new Rng(6), 11 * 5, 1f);
        var probabilities = new float[11 * 3];
        net.Predict(x, probabilities, 11);
        int[] labels = Enumerable.Range(0, 11).Select(s => global::GenNet.Kernels.Reference.ArgMax(probabilities.AsSpan(s * 3, 3))).ToArray();
        labels[4] = (labels[4] + 1) % 3;
        labels[9] = (labels[9] + 2) % 3;
        Assert.Equal(9, net.Evaluate(x, labels, 11, out float loss));
        double expectedLoss = Enumerable.Range(0, 11).Average(s => -Math.Log(probabilities[s * 3 + labels[s]]));
        Assert.Equal(expectedLoss, loss, 1e-4);
    }

    [Fact]
    public void Regressor_forward_returns_the_last_layer_output()
    {
        var net = new LinearRegressionNet(2, seed: 1);
        net.Parameters.Clear();
        float[] w = [1f, -2f, 0.5f, 3f];
        w.CopyTo(net.Parameters);
        net.Parameters[4] = 0.25f; // bias
        var y = new float[1];
        net.Forward([1f, 1f, 2f, -1f], y);
        Assert.Equal(1f - 2f + 1f - 3f + 0.25f, y[0], 1e-6f);
        Assert.Equal(MathF.Pow(y[0] - 2f, 2), net.Loss([1f, 1f, 2f, -1f], [2f], 1), 1e-5f);
    }

    [Fact]
    public void Bad_arguments_throw_with_messages_that_say_what_was_expected()
    {
        var net = new TinyReluNet(4);
        float[] x = new float[4 * 5];
        int[] labels = new int[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MnistMlp(int.MaxValue / 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(global::GenNet.Kernels.MaxReductionLength + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(x, labels, 0));
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[5 * 5], new int[5], 5));
        Assert.Contains("between 1 and 4", tooMany.Message);
        var shortInputs = Assert.Throws<ArgumentException>(() => net.ComputeGradients(x.AsSpan(0, 19), labels, 4));
        Assert.Contains("4 rows of 5 need 20", shortInputs.Message);
        Assert.Throws<ArgumentException>(() => net.ComputeGradients(x, labels.AsSpan(0, 3), 4));
        var badLabel = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(x, [0, 1, 3, 0], 4));
        Assert.Contains("0..2", badLabel.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Evaluate(x, [0, -1, 0, 0], 4));
        Assert.Throws<ArgumentException>(() => net.Forward(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => net.Forward(new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => net.Predict(x, new float[11], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Predict(x, new float[12], -1));
        Assert.Throws<ArgumentNullException>(() => net.TrainStep(x, labels, 4, null!));
    }

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float max = 0;
        foreach (float v in values) max = MathF.Max(max, MathF.Abs(v));
        return max;
    }
}
