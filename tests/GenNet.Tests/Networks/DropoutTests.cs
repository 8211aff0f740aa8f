namespace GenNet.Tests.Networks;

/// <summary>[Dropout]: active in training only, at the declared rate, seeded, inverted scaling.</summary>
public class DropoutTests
{
    [Fact]
    public void Inference_ignores_dropout_and_matches_the_network_without_it()
    {
        var dropout = new DropoutNet(8, seed: 1);
        var twin = new DropoutFreeTwinNet(8, seed: 1);
        Assert.Equal(DropoutNet.ParameterCount, DropoutFreeTwinNet.ParameterCount);
        dropout.Parameters.CopyTo(twin.Parameters);
        float[] x = GradientCheckTests.RandomArray(new Rng(2), 8 * 6, 1f);
        var a = new float[8 * 3];
        var b = new float[8 * 3];
        dropout.Predict(x, a, 8);
        twin.Predict(x, b, 8);
        Assert.Equal(b, a);
        Assert.Equal(twin.Evaluate(x, new int[8], 8, out float twinLoss), dropout.Evaluate(x, new int[8], 8, out float dropoutLoss));
        Assert.Equal(twinLoss, dropoutLoss);
    }

    [Fact]
    public void Training_drops_at_the_declared_rate_and_changes_the_loss()
    {
        var net = new DropoutNet(256, seed: 3);
        var twin = new DropoutFreeTwinNet(256, seed: 3);
        net.Parameters.CopyTo(twin.Parameters);
        float[] x = GradientCheckTests.RandomArray(new Rng(4), 256 * 6, 1f);
        int[] y = new int[256];
        Assert.NotEqual(twin.ComputeGradients(x, y, 256), net.ComputeGradients(x, y, 256));

        // The masks' statistics, through the kernel the network calls.
        var masks = new float[100_000];
        var dropped = new float[100_000];
        float[] ones = Enumerable.Repeat(1f, 100_000).ToArray();
        global::GenNet.Kernels.DropoutForward(dropped, masks, ones, 0.25f, new Rng(5));
        double zeroed = masks.Count(m => m == 0f) / 100_000.0;
        Assert.InRange(zeroed, 0.24, 0.26);
        Assert.All(masks, m => Assert.True(m == 0f || m == 1f / 0.75f));
        Assert.Equal(1.0, dropped.Average(), 0.02); // inverted scaling keeps the mean
    }

    /// <summary>The kernel's masks are one <see cref="Rng.NextFloat"/> per value, in order, compared to the rate: the
    /// scalar loop it replaced, bit for bit, over lengths around its chunk of draws and rates that are not powers of two.</summary>
    [Fact]
    public void Masks_are_each_values_draw_compared_to_the_rate_in_order()
    {
        foreach (int length in new[] { 0, 1, 7, 255, 256, 257, 1000 })
        {
            foreach (float rate in new[] { 0.5f, 0.3f, 0.999f, 1e-3f })
            {
                float[] x = GradientCheckTests.RandomArray(new Rng(8), length, 2f);
                float[] y = new float[length], mask = new float[length];
                var rng = new Rng(9);
                global::GenNet.Kernels.DropoutForward(y, mask, x, rate, rng);

                var twin = new Rng(9);
                float keep = 1f / (1f - rate);
                for (int k = 0; k < length; k++)
                {
                    float m = twin.NextFloat() < rate ? 0f : keep;
                    Assert.True(BitConverter.SingleToInt32Bits(m) == BitConverter.SingleToInt32Bits(mask[k]), $"mask[{k}] of {length} at rate {rate}");
                    Assert.True(BitConverter.SingleToInt32Bits(x[k] * m) == BitConverter.SingleToInt32Bits(y[k]), $"y[{k}] of {length} at rate {rate}");
                }
                Assert.Equal(twin.NextUInt64(), rng.NextUInt64());
            }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_masks_and_different_steps_different_ones()
    {
        float[] x = GradientCheckTests.RandomArray(new Rng(6), 16 * 6, 1f);
        int[] y = new int[16];
        var a = new DropoutNet(16, seed: 7);
        var b = new DropoutNet(16, seed: 7);
        float first = a.ComputeGradients(x, y, 16);
        Assert.Equal(first, b.ComputeGradients(x, y, 16));
        Assert.Equal(a.Gradients.ToArray(), b.Gradients.ToArray());
        Assert.NotEqual(first, a.ComputeGradients(x, y, 16));
    }

    [Fact]
    public void Networks_without_dropout_have_no_training_generator() =>
        Assert.Null(new TinyReluNet(1).TrainingRng);

    [Fact]
    public void Kernel_rejects_bad_rates_and_short_spans()
    {
        var rng = new Rng(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => global::GenNet.Kernels.DropoutForward(new float[4], new float[4], new float[4], 0f, rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => global::GenNet.Kernels.DropoutForward(new float[4], new float[4], new float[4], 1f, rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => global::GenNet.Kernels.DropoutForward(new float[4], new float[4], new float[4], float.NaN, rng));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.DropoutForward(new float[3], new float[4], new float[4], 0.5f, rng));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.DropoutBackward(new float[4], new float[3]));
    }
}
