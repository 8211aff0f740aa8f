namespace GenNet.Tests.Networks;

/// <summary>
/// Central finite differences against the generated backward pass, for every parameter of small random networks.
/// </summary>
/// <remarks>
/// Tolerance: |numeric − analytic| ≤ 2e-3 + 2e-2·max(|numeric|, |analytic|). The networks compute in float32, so a
/// step h = 1e-2 on a loss of order 1 leaves a rounding error of about 1e-7 / h = 1e-5 in the difference quotient,
/// and the O(h²) truncation error stays well below the bound for these smooth activations. ReLU kinks and max-pooling
/// windows are the non-smooth cases: the seeds below keep every pre-activation farther than h from zero and every
/// window's largest value farther than that from its runner-up.
/// </remarks>
public class GradientCheckTests
{
    private const float Step = 1e-2f;

    // A step for networks where many max-pooling windows follow a convolution without a squashing activation: a weight
    // moved by 1e-2 changes some windows' winners, and the central difference then straddles the kink (one such weight
    // measured 0.2086 at 1e-2 against 0.1960 at 3e-3, 1e-3, 3e-4 and 1e-4, the analytic 0.1960). The float loss still
    // resolves it: about 1e-7 over 2e-4 is well inside the bound. Overlapping windows put kinks closer still (seeds 16–20
    // of GrayscaleRowsConvNet each have a weight with a winner that changes within 1e-4; one measured a jump of the
    // analytic gradient from 0.4454 to 0.3676 at +2.5e-5, the loss's slopes on either side matching it).
    private const float KinkStep = 1e-4f;

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Relu_softmax_network(int batch) =>
        CheckClassifier(new TinyReluNet(batch, seed: 3), batch, seed: 11);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Every_activation_network(int batch) =>
        CheckClassifier(new EveryActivationNet(batch, seed: 5), batch, seed: 12);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Regressor_without_bias_and_mean_squared_error(int batch) =>
        CheckRegressor(new RegressorNet(batch, seed: 7), batch, seed: 13);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Dropout_network_with_its_masks_held_fixed(int batch) =>
        CheckClassifier(new DropoutNet(batch, seed: 4), batch, seed: 15);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Chained_dropout_regressor_with_its_masks_held_fixed(int batch) =>
        CheckRegressor(new ChainedDropoutRegressorNet(batch, seed: 8), batch, seed: 16);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Odd_conv_pool_network_with_its_masks_held_fixed(int batch) =>
        CheckClassifier(new OddConvNet(batch, seed: 12), batch, seed: 17);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Pointwise_conv_and_global_average_pooling(int batch) =>
        CheckRegressor(new PointwiseConvNet(batch, seed: 10), batch, seed: 18);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Strided_conv_without_bias_and_dropout_after_it(int batch) =>
        CheckRegressor(new StridedConvDropoutNet(batch, seed: 11), batch, seed: 19);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void One_channel_conv_with_stride_2_and_same_padding_pooled(int batch) =>
        CheckClassifier(new GrayscaleConvNet(batch, seed: 13), batch, seed: 20, KinkStep);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void One_channel_conv_without_bias_under_overlapping_pooling(int batch) =>
        CheckRegressor(new GrayscaleRowsConvNet(batch, seed: 15), batch, seed: 22, KinkStep);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Second_conv_whose_gradients_skip_the_pooling_zeros(int batch) =>
        CheckClassifier(new SparseGradientConvNet(batch, seed: 17), batch, seed: 23, KinkStep);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Convolutions_whose_forward_runs_by_Winograd(int batch) =>
        CheckClassifier(new WinogradConvNet(batch, seed: 19), batch, seed: 25);

    [Fact]
    public void Linear_regression() => CheckRegressor(new LinearRegressionNet(3, seed: 1), 3, seed: 14);

    private static void CheckClassifier(IClassifier net, int batch, int seed, float step = Step)
    {
        var rng = new Rng((ulong)seed);
        float[] inputs = RandomArray(rng, batch * net.InputSize, 1.5f);
        int[] labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(net.OutputSize)).ToArray();
        RandomizeBiases(net, rng);
        Check(net, HoldMasks(net, () => net.ComputeGradients(inputs, labels, batch)), step);
    }

    private static void CheckRegressor(IRegressor net, int batch, int seed, float step = Step)
    {
        var rng = new Rng((ulong)seed);
        float[] inputs = RandomArray(rng, batch * net.InputSize, 1.5f);
        float[] targets = RandomArray(rng, batch * net.OutputSize, 1f);
        RandomizeBiases(net, rng);
        Check(net, HoldMasks(net, () => net.ComputeGradients(inputs, targets, batch)), step);
    }

    /// <summary>
    /// Each ComputeGradients of a network with dropout draws new masks; restoring the training generator's state before
    /// every evaluation makes them all use the analytic pass's masks, so the check sees one fixed (piecewise linear)
    /// function.
    /// </summary>
    private static Func<float> HoldMasks(INetwork net, Func<float> loss)
    {
        if (net.TrainingRng is not { } generator)
        {
            return loss;
        }
        RngState masks = generator.Save();
        return () =>
        {
            generator.Restore(masks);
            return loss();
        };
    }

    // Zero biases would leave symmetric cases; small random ones make every gradient entry non-trivial.
    private static void RandomizeBiases(INetwork net, Rng rng)
    {
        Span<float> p = net.Parameters;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0f) p[i] = rng.NextUniform(-0.3f, 0.3f);
        }
    }

    private static void Check(INetwork net, Func<float> loss, float step)
    {
        loss();
        float[] analytic = net.Gradients.ToArray();
        Assert.Contains(analytic, g => g != 0f);
        for (int i = 0; i < net.ParameterCount; i++)
        {
            float saved = net.Parameters[i];
            net.Parameters[i] = saved + step;
            double plus = loss();
            net.Parameters[i] = saved - step;
            double minus = loss();
            net.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * step);
            double bound = 2e-3 + 2e-2 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
            Assert.True(Math.Abs(numeric - analytic[i]) <= bound,
                $"parameter {i} of {net.Architecture}: numeric {numeric:G6}, analytic {analytic[i]:G6}");
        }
    }

    internal static float[] RandomArray(Rng rng, int length, float scale)
    {
        var result = new float[length];
        for (int i = 0; i < length; i++) result[i] = rng.NextUniform(-scale, scale);
        return result;
    }
}
