namespace GenNet.Tests.Optim;

/// <summary>Each optimizer against the double-precision <see cref="ScalarReference"/>, and one-step known answers.</summary>
public class OptimizerReferenceTests
{
    // Float state and FMA rounding against a double oracle over 12 steps: errors stay near 1e-6 relative,
    // so 1e-5 relative (absolute 1e-5 for |x| < 1) still catches any wrong term, which moves values by > 1e-3.
    private const double Tolerance = 1e-5;
    private const int StepCount = 12;

    public static TheoryData<string, int> Cases => OptimizerCases.AllWithLengths();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_scalar_reference_over_several_steps(string name, int n)
    {
        var rng = new Random(1234 + n);
        Optimizer opt = OptimizerCases.Create(name, n, 0.05f);
        ScalarReference reference = ScalarReference.For(opt);
        float[] p = OptimizerCases.Random(rng, n);
        double[] expected = Array.ConvertAll(p, x => (double)x);

        for (int step = 0; step < StepCount; step++)
        {
            // A changing learning rate also checks that every step reads the current one (schedules).
            opt.LearningRate = 0.05f * (1f + (0.1f * step));
            float[] g = OptimizerCases.Random(rng, n);
            for (int i = 0; i < n; i++)
            {
                // Magnitudes 1 … 1e-3, so ε matters (and its placement shows) where the second moment is small.
                g[i] *= MathF.Pow(10f, -(i % 4));
            }
            opt.Step(p, g);
            reference.Step(expected, g, opt.LearningRate);
        }

        Assert.Equal(StepCount, opt.Steps);
        AssertClose(expected, p, "parameter");
        Assert.Equal(reference.State.Length, opt.State.Length);
        AssertClose(reference.State, opt.State, "state");
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (err > Tolerance * Math.Max(1.0, Math.Abs(expected[i])))
            {
                Assert.Fail($"{what} {i}: expected {expected[i]:R}, got {actual[i]:R} (error {err:E2})");
            }
        }
    }

    // Known answers, worked by hand. Tolerance 1e-6: one or two float roundings of values near 1.

    [Fact]
    public void Sgd_one_step_by_hand()
    {
        // p = 1 − 0.1·0.5 = 0.95
        float[] p = [1f];
        new Sgd(1, 0.1f).Step(p, [0.5f]);
        Assert.Equal(0.95f, p[0], 1e-6f);
    }

    [Fact]
    public void Momentum_two_steps_by_hand()
    {
        // v = 0.5, p = 1 − 0.1·0.5 = 0.95; then v = 0.9·0.5 + 0.5 = 0.95, p = 0.95 − 0.1·0.95 = 0.855
        float[] p = [1f];
        var opt = new Sgd(1, 0.1f, momentum: 0.9f);
        opt.Step(p, [0.5f]);
        Assert.Equal(0.95f, p[0], 1e-6f);
        opt.Step(p, [0.5f]);
        Assert.Equal(0.95f, opt.State[0], 1e-6f);
        Assert.Equal(0.855f, p[0], 1e-6f);
    }

    [Fact]
    public void Nesterov_one_step_by_hand()
    {
        // v = 0.5; p = 1 − 0.1·(0.5 + 0.9·0.5) = 0.905
        float[] p = [1f];
        var opt = new Sgd(1, 0.1f, momentum: 0.9f, nesterov: true);
        opt.Step(p, [0.5f]);
        Assert.Equal(0.5f, opt.State[0], 1e-6f);
        Assert.Equal(0.905f, p[0], 1e-6f);
    }

    [Fact]
    public void RmsProp_one_step_matches_the_keras_docstring_example()
    {
        // Keras: RMSprop(learning_rate=0.1), var = 10, loss = var²/2 so g = 10, one minimize → 9.683772.
        // By hand: s = 0.1·100 = 10; p = 10 − 0.1·10/√(10 + 1e-7) = 10 − 1/3.16227767 = 9.68377223.
        float[] p = [10f];
        var opt = new RmsProp(1, 0.1f);
        opt.Step(p, [10f]);
        Assert.Equal(10f, opt.State[0], 1e-5f);
        Assert.Equal(9.683772f, p[0], 1e-5f);
    }

    [Fact]
    public void Adam_one_step_by_hand()
    {
        // m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4; m̂ = 0.5, v̂ = 0.25;
        // p = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.9 (to 2e-9). The state differs from 0.05 and 2.5e-4 by up to 1.3e-5 relative because 0.9f is
        // 0.89999998 and 0.999f is 0.99900001, so 1 − β1 = 0.10000002 and 1 − β2 = 0.00099998713 exactly.
        float[] p = [1f];
        var opt = new Adam(1, 0.1f);
        opt.Step(p, [0.5f]);
        Assert.Equal(0.05f, opt.State[0], 2e-8f);
        Assert.Equal(2.5e-4f, opt.State[1], 5e-9f);
        Assert.Equal(0.9f, p[0], 1e-6f);
    }

    [Fact]
    public void AdamW_one_step_by_hand()
    {
        // Decay first: 1·(1 − 0.1·0.01) = 0.999; then the Adam step of 0.1 as above: 0.899.
        float[] p = [1f];
        new AdamW(1, 0.1f).Step(p, [0.5f]);
        Assert.Equal(0.899f, p[0], 1e-6f);
    }
}
