namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>Element-wise kernels and the loss heads against their <see cref="GenNet.Kernels.Reference"/> twins.</summary>
public class ElementwiseParityTests
{
    /// <summary>Lengths 0…70 cover every vector tail at every width; 128×512 is the MNIST hidden layer.</summary>
    public static IEnumerable<int> Lengths() => Enumerable.Range(0, 71).Append(128 * 512);

    public static TheoryData<Activation> Activations() => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(Activations))]
    public void ActivationBackward_matches_reference_exactly(Activation activation)
    {
        const float alpha = 0.01f;
        foreach (int n in Lengths())
        {
            // y as the activation would produce it, with exact zeros mixed in for the ReLU family.
            float[] y = activation switch
            {
                Activation.Sigmoid => Uniform(n, n, 0f, 1f),
                Activation.Tanh => Uniform(n, n, -1f, 1f),
                _ => Uniform(n, n, -2f, 2f),
            };
            for (int k = 0; k < n; k += 5)
            {
                y[k] = 0f;
            }
            float[] dy0 = Uniform(n, n + 1);
            float[] expected = (float[])dy0.Clone(), actual = (float[])dy0.Clone();
            GenNet.Kernels.Reference.ActivationBackward(expected, y, activation, alpha);
            GenNet.Kernels.ActivationBackward(actual, y, activation, alpha);
            // Same operations in the same order as the reference: no tolerance.
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{activation}, n = {n}");
        }
    }

    [Fact]
    public void SquaredError_matches_reference()
    {
        foreach (int n in Lengths())
        {
            float[] y = Uniform(n, n), t = Uniform(n, n + 1);
            float[] expectedDz = new float[n], actualDz = Filled(n, float.NaN);
            float expected = GenNet.Kernels.Reference.SquaredError(expectedDz, y, t, 0.5f);
            float actual = GenNet.Kernels.SquaredError(actualDz, y, t, 0.5f);
            // The loss is summed in vector lanes: 1e-5 relative (all terms are positive). The gradient is exact.
            Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected), $"n = {n}: {actual} vs {expected}");
            Assert.True(expectedDz.AsSpan().SequenceEqual(actualDz), $"n = {n}");
            Assert.Equal(actual, GenNet.Kernels.SquaredError([], y, t, 0.5f));
        }
    }

    public static TheoryData<int, int> SoftmaxShapes() => new()
    {
        { 1, 1 }, { 1, 10 }, { 3, 2 }, { 7, 3 }, { 9, 17 }, { 128, 10 }, { 33, 33 },
    };

    [Theory]
    [MemberData(nameof(SoftmaxShapes))]
    public void SoftmaxCrossEntropy_and_relatives_match_reference(int batch, int classes)
    {
        float[] z = Uniform(batch * classes, batch * 31 + classes, -8f, 8f);
        int[] labels = Enumerable.Range(0, batch).Select(b => (b * 7) % classes).ToArray();
        const float scale = 1f / 128;

        float[] expectedDz = new float[z.Length], actualDz = Filled(z.Length, float.NaN);
        float expectedLoss = GenNet.Kernels.Reference.SoftmaxCrossEntropy(expectedDz, z, labels, batch, classes, scale);
        float actualLoss = GenNet.Kernels.SoftmaxCrossEntropy(actualDz, z, labels, batch, classes, scale);
        AssertRelative(expectedLoss, actualLoss, 1e-5, "loss");
        for (int k = 0; k < z.Length; k++)
        {
            Assert.True(Math.Abs(actualDz[k] - expectedDz[k]) <= 1e-6 * scale, $"dz[{k}]: {actualDz[k]} vs {expectedDz[k]}");
        }

        AssertRelative(GenNet.Kernels.Reference.CrossEntropyLoss(z, labels, batch, classes),
            GenNet.Kernels.CrossEntropyLoss(z, labels, batch, classes), 1e-5, "CrossEntropyLoss");

        float[] expectedP = new float[z.Length], actualP = new float[z.Length];
        GenNet.Kernels.Reference.Softmax(expectedP, z, batch, classes);
        GenNet.Kernels.Softmax(actualP, z, batch, classes);
        for (int k = 0; k < z.Length; k++)
        {
            Assert.True(Math.Abs(actualP[k] - expectedP[k]) <= 1e-6, $"p[{k}]: {actualP[k]} vs {expectedP[k]}");
        }

        // In place: p aliases z.
        float[] inPlace = (float[])z.Clone();
        GenNet.Kernels.Softmax(inPlace, inPlace, batch, classes);
        Assert.True(actualP.AsSpan().SequenceEqual(inPlace));

        Assert.Equal(GenNet.Kernels.Reference.CountCorrect(z, labels, batch, classes), GenNet.Kernels.CountCorrect(z, labels, batch, classes));
    }

    [Fact]
    public void SoftmaxCrossEntropy_may_write_its_gradient_over_the_logits()
    {
        float[] z = Uniform(4 * 10, 9, -5f, 5f);
        int[] labels = [3, 0, 9, 5];
        float[] expectedDz = new float[z.Length];
        float expected = GenNet.Kernels.Reference.SoftmaxCrossEntropy(expectedDz, z, labels, 4, 10, 1f);
        float[] both = (float[])z.Clone();
        float actual = GenNet.Kernels.SoftmaxCrossEntropy(both, both, labels, 4, 10, 1f);
        AssertRelative(expected, actual, 1e-5, "loss");
        for (int k = 0; k < z.Length; k++)
        {
            Assert.True(Math.Abs(both[k] - expectedDz[k]) <= 1e-6, $"dz[{k}]");
        }
    }

    [Fact]
    public void CountCorrect_takes_the_first_index_on_ties()
    {
        float[] z = [1f, 3f, 3f, 0f, /* row 2 */ 2f, 2f, 2f, 2f];
        Assert.Equal(2, GenNet.Kernels.CountCorrect(z, [1, 0], 2, 4));
        Assert.Equal(0, GenNet.Kernels.CountCorrect(z, [2, 3], 2, 4));
    }

    private static void AssertRelative(float expected, float actual, double tolerance, string what)
        => Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Max(1.0, Math.Abs(expected)), $"{what}: {actual:R} vs {expected:R}");
}
