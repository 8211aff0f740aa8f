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
