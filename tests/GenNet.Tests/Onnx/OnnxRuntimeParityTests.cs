using GenNet.Data;
using GenNet.Models;
using GenNet.Onnx;
using GenNet.Tests.Data;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace GenNet.Tests.Onnx;

/// <summary>
/// Exports networks and runs the files in ONNX Runtime: the outputs must match <see cref="INetwork.Predict"/>.
/// </summary>
public sealed class OnnxRuntimeParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void MnistMlp_matches_OnnxRuntime_on_every_MNIST_test_image()
    {
        using var net = new MnistMlp(maxBatchSize: 128, seed: 3);
        float[] images;
        int count;
        string source;
        if (SharedData.HasAllFiles(SharedData.MnistDirectory))
        {
            MnistDataset mnist = MnistDataset.Load(SharedData.MnistDirectory!);
            TrainBriefly(net, mnist.Train, steps: 300);
            int correct = net.Evaluate(mnist.Test.Pixels, mnist.Test.Labels, mnist.Test.Count);
            (images, count) = (mnist.Test.Pixels, mnist.Test.Count);
            source = $"the {count:N0} MNIST test images after 300 training steps ({100.0 * correct / count:F2}% accurate)";
        }
        else
        {
            // No data: the untrained network on random images still exercises every value path.
            count = 10_000;
            images = RandomInputs(new Rng(5), count * MnistMlp.InputSize, 0f, 1f);
            source = "10,000 random images (MNIST not found) with initial weights";
        }

        (float maxDiff, int disagreements) = CompareClassifier(net, images, count);
        output.WriteLine($"MnistMlp on {source}: max |p_GenNet − p_ORT| = {maxDiff:E2}, class disagreements = {disagreements}/{count}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference of probabilities {maxDiff:E3} > {Tolerance:E0}");
        Assert.Equal(0, disagreements);
    }

    [Fact]
    public void MnistConvNet_matches_OnnxRuntime_on_every_MNIST_test_image()
    {
        using var net = new MnistConvNet(maxBatchSize: 250, seed: 3, threads: 2);
        float[] images;
        int count;
        string source;
        if (SharedData.HasAllFiles(SharedData.MnistDirectory))
        {
            MnistDataset mnist = MnistDataset.Load(SharedData.MnistDirectory!);
            (images, count) = (mnist.Test.Pixels, mnist.Test.Count);
            source = $"the {count:N0} MNIST test images, initial weights";
        }
        else
        {
            count = 2_000;
            images = RandomInputs(new Rng(6), count * MnistConvNet.InputSize, 0f, 1f);
            source = "2,000 random images (MNIST not found), initial weights";
        }
        (float maxDiff, int disagreements) = CompareClassifier(net, images, count);
        output.WriteLine($"MnistConvNet on {source}: max |p_GenNet − p_ORT| = {maxDiff:E2}, class disagreements = {disagreements}/{count}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference of probabilities {maxDiff:E3} > {Tolerance:E0}");
        Assert.Equal(0, disagreements);
    }

    [Fact]
    public void Odd_convolutions_and_pooling_match_for_a_classifier()
    {
        // Stride 2 with same padding, overlapping max pooling, an even kernel height with same padding, average
        // pooling that leaves a column out, dropout, then Dense layers on the flattened image.
        using var net = new GenNet.Tests.Networks.OddConvNet(maxBatchSize: 16, seed: 51);
        Scramble(net, seed: 52);
        float[] inputs = RandomInputs(new Rng(53), 200 * GenNet.Tests.Networks.OddConvNet.InputSize, -2f, 2f);
        (float maxDiff, int disagreements) = CompareClassifier(net, inputs, 200);
        output.WriteLine($"OddConvNet: max abs diff {maxDiff:E2}, class disagreements {disagreements}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E3} > {Tolerance:E0}");
        Assert.Equal(0, disagreements);
    }

    [Theory]
    [InlineData("PointwiseConvNet")]
    [InlineData("StridedConvDropoutNet")]
    public void Convolutional_regressors_match(string name)
    {
        using INetwork net = name == "PointwiseConvNet"
            ? new GenNet.Tests.Networks.PointwiseConvNet(maxBatchSize: 16, seed: 61)
            : new GenNet.Tests.Networks.StridedConvDropoutNet(maxBatchSize: 16, seed: 62);
        Scramble(net, seed: 63);
        float maxDiff = CompareRegressor(net, count: 150);
        output.WriteLine($"{name}: max abs diff {maxDiff:E2}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void Every_activation_without_bias_and_a_linear_head_match_for_a_regressor()
    {
        using var net = new EveryOpRegressor(maxBatchSize: 16, seed: 11);
        Scramble(net, seed: 12);
        float maxDiff = CompareRegressor(net, count: 257);
        output.WriteLine($"EveryOpRegressor: max abs diff {maxDiff:E2}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void Regressor_ending_in_an_activation_matches()
    {
        using var net = new ActivatedOutputRegressor(maxBatchSize: 16, seed: 21);
        Scramble(net, seed: 22);
        float maxDiff = CompareRegressor(net, count: 100);
        output.WriteLine($"ActivatedOutputRegressor: max abs diff {maxDiff:E2}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void Dropout_network_exports_its_inference_graph()
    {
        // Dropout is training-only: the exported graph must match Predict, which skips it.
        using var net = new GenNet.Tests.Networks.DropoutNet(maxBatchSize: 16, seed: 41);
        Scramble(net, seed: 42);
        float[] inputs = RandomInputs(new Rng(43), 300 * GenNet.Tests.Networks.DropoutNet.InputSize, -2f, 2f);
        (float maxDiff, int disagreements) = CompareClassifier(net, inputs, 300);
        output.WriteLine($"DropoutNet: max abs diff {maxDiff:E2}, class disagreements {disagreements}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E3} > {Tolerance:E0}");
        Assert.Equal(0, disagreements);
    }

    [Fact]
    public void Classifier_with_bias_free_layers_matches()
    {
        using var net = new NoBiasClassifier(maxBatchSize: 16, seed: 31);
        Scramble(net, seed: 32);
        float[] inputs = RandomInputs(new Rng(33), 500 * NoBiasClassifier.InputSize, -2f, 2f);
        (float maxDiff, int disagreements) = CompareClassifier(net, inputs, 500);
        output.WriteLine($"NoBiasClassifier: max abs diff {maxDiff:E2}, class disagreements {disagreements}");
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E3} > {Tolerance:E0}");
        Assert.Equal(0, disagreements);
    }

    [Fact]
    public void Graph_declares_a_symbolic_batch_and_the_documented_names()
    {
        using var temp = new TempDirectory();
        using var net = new EveryOpRegressor(maxBatchSize: 4);
        string path = temp.File("net.onnx");
        OnnxExporter.Export(net, path);
        using var session = new InferenceSession(path);

        NodeMetadata input = Assert.Single(session.InputMetadata, m => m.Key == OnnxExporter.InputName).Value;
        Assert.Equal([-1, EveryOpRegressor.InputSize], input.Dimensions);
        Assert.Equal(OnnxExporter.BatchDimension, input.SymbolicDimensions[0]);
        Assert.Equal(typeof(float), input.ElementType);
        NodeMetadata result = Assert.Single(session.OutputMetadata, m => m.Key == OnnxExporter.OutputName).Value;
        Assert.Equal([-1, EveryOpRegressor.OutputSize], result.Dimensions);

        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("GenNet", metadata.ProducerName);
        Assert.Equal(EveryOpRegressor.Architecture, metadata.Description);
        Assert.Equal(nameof(EveryOpRegressor), metadata.GraphName);
    }

    private static void TrainBriefly(MnistMlp net, LabeledImages train, int steps)
    {
        var optimizer = new RmsProp(MnistMlp.ParameterCount);
        int batch = net.MaxBatchSize;
        for (int step = 0; step < steps; step++)
        {
            int first = step * batch % (train.Count - batch);
            net.TrainStep(train.Pixels.AsSpan(first * train.Features, batch * train.Features), train.Labels.AsSpan(first, batch), batch, optimizer);
        }
    }

    /// <summary>Runs GenNet and ONNX Runtime on the same inputs: max abs difference and how many argmaxes differ.</summary>
    private static (float MaxDiff, int Disagreements) CompareClassifier(INetwork net, float[] inputs, int count)
    {
        float[] expected = new float[count * net.OutputSize];
        net.Predict(inputs, expected, count);
        float[] actual = RunOnnx(net, inputs, count, OnnxExporter.ProbabilitiesName);

        int disagreements = 0;
        for (int s = 0; s < count; s++)
        {
            if (ArgMax(expected.AsSpan(s * net.OutputSize, net.OutputSize)) != ArgMax(actual.AsSpan(s * net.OutputSize, net.OutputSize)))
            {
                disagreements++;
            }
        }
        return (MaxAbsDiff(expected, actual), disagreements);
    }

    private static float CompareRegressor(INetwork net, int count)
    {
        float[] inputs = RandomInputs(new Rng(99), count * net.InputSize, -3f, 3f);
        float[] expected = new float[count * net.OutputSize];
        net.Predict(inputs, expected, count);
        float[] actual = RunOnnx(net, inputs, count, OnnxExporter.OutputName);
        return MaxAbsDiff(expected, actual);
    }

    private static float[] RunOnnx(INetwork net, float[] inputs, int count, string outputName)
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.onnx");
        OnnxExporter.Export(net, path);

        using var session = new InferenceSession(path);
        // [N, features] for a flat input, [N, C, H, W] for an image: the exported graph declares which.
        long[] shape = session.InputMetadata[OnnxExporter.InputName].Dimensions.Select(d => d < 0 ? (long)count : d).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [outputName]);
        ReadOnlySpan<float> result = outputs[0].GetTensorDataAsSpan<float>();
        Assert.Equal(count * net.OutputSize, result.Length);
        return result.ToArray();
    }

    /// <summary>Replaces the initial weights (and zero biases) with values that make every activation's range matter.</summary>
    private static void Scramble(INetwork net, ulong seed)
    {
        var rng = new Rng(seed);
        Span<float> parameters = net.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = rng.NextUniform(-1f, 1f);
        }
    }

    private static float[] RandomInputs(Rng rng, int length, float low, float high)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextUniform(low, high);
        }
        return values;
    }

    private static float MaxAbsDiff(float[] a, float[] b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }
        return max;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
