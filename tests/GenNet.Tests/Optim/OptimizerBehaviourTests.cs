namespace GenNet.Tests.Optim;

/// <summary>Allocation, convergence, checkpoint round-trip and vector/tail consistency.</summary>
public class OptimizerBehaviourTests
{
    public static TheoryData<string> Cases => OptimizerCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_allocates_nothing_after_construction(string name)
    {
        const int n = 1000;
        var rng = new Random(7);
        Optimizer opt = OptimizerCases.Create(name, n, 1e-3f);
        float[] p = OptimizerCases.Random(rng, n);
        float[] g = OptimizerCases.Random(rng, n, 1e-3f);
        long allocated = Allocations.Measure(() =>
        {
            opt.Step(p, g);
            opt.LearningRate = 1e-3f; // schedules set it between steps
        }, repeat: 5000);

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("sgd", 0.2f)]
    [InlineData("momentum", 0.05f)]
    [InlineData("nesterov", 0.05f)]
    [InlineData("momentum-0.5", 0.1f)]
    [InlineData("rmsprop", 0.01f)]
    [InlineData("rmsprop-rho0.5", 0.01f)]
    [InlineData("adam", 0.05f)]
    [InlineData("adam-keras-eps", 0.05f)]
    [InlineData("adamw", 0.05f)]
    [InlineData("adamw-0", 0.05f)]
    public void Minimises_a_convex_quadratic_by_at_least_a_factor_of_1000(string name, float lr)
    {
        // f(p) = ½ Σ aᵢ (pᵢ − cᵢ)², aᵢ ∈ [0.5, 2], cᵢ ∈ [−1, 1]; ∇f = a ⊙ (p − c). Start at p = 0.
        const int n = 33;
        var rng = new Random(99);
        float[] a = Array.ConvertAll(OptimizerCases.Random(rng, n, 0.75f), x => 1.25f + x);
        float[] c = OptimizerCases.Random(rng, n);
        float[] p = new float[n];
        float[] g = new float[n];
        Optimizer opt = OptimizerCases.Create(name, n, lr);

        double Loss()
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += 0.5 * a[i] * (p[i] - c[i]) * (p[i] - c[i]);
            }
            return sum;
        }

        double initial = Loss();
        for (int step = 0; step < 2000; step++)
        {
            for (int i = 0; i < n; i++)
            {
                g[i] = a[i] * (p[i] - c[i]);
            }
            opt.Step(p, g);
        }
        double final = Loss();

        Assert.True(final * 1000 <= initial, $"{name}: loss went from {initial:G4} to {final:G4}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_round_trip_continues_bit_identically(string name)
    {
        const int n = 33;
        var rng = new Random(5);
        float[][] grads = Enumerable.Range(0, 12).Select(_ => OptimizerCases.Random(rng, n)).ToArray();
        Optimizer uninterrupted = OptimizerCases.Create(name, n, 0.05f);
        float[] p = OptimizerCases.Random(rng, n);
        for (int k = 0; k < 5; k++)
        {
            uninterrupted.Step(p, grads[k]);
        }

        // Checkpoint: parameters, State and Steps, copied into a fresh optimizer.
        float[] pResumed = (float[])p.Clone();
        float[] savedState = uninterrupted.State.ToArray();
        Optimizer resumed = OptimizerCases.Create(name, n, 0.05f);
        savedState.CopyTo(resumed.State);
        resumed.RestoreSteps(uninterrupted.Steps);

        for (int k = 5; k < grads.Length; k++)
        {
            uninterrupted.LearningRate = resumed.LearningRate = 0.05f / k;
            uninterrupted.Step(p, grads[k]);
            resumed.Step(pResumed, grads[k]);
        }

        Assert.Equal(uninterrupted.Steps, resumed.Steps);
        OptimizerCases.AssertSameBits(p, pResumed);
        OptimizerCases.AssertSameBits(uninterrupted.State, resumed.State);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vector_lanes_and_scalar_tail_give_the_same_bits(string name)
    {
        // 33 = 4 vectors of 8 (or 8 of 4) + a scalar tail. A length-1 optimizer only ever runs the scalar loop,
        // so element i updated alone must match element i updated inside the long arena, bit for bit.
        const int n = 33;
        var rng = new Random(11);
        float[] p = OptimizerCases.Random(rng, n);
        float[] single = (float[])p.Clone();
        Optimizer whole = OptimizerCases.Create(name, n, 0.05f);
        Optimizer[] each = Enumerable.Range(0, n).Select(_ => OptimizerCases.Create(name, 1, 0.05f)).ToArray();

        for (int step = 0; step < 6; step++)
        {
            float[] g = OptimizerCases.Random(rng, n);
            whole.Step(p, g);
            for (int i = 0; i < n; i++)
            {
                each[i].Step(single.AsSpan(i, 1), g.AsSpan(i, 1));
            }
        }

        OptimizerCases.AssertSameBits(single, p);
    }

    [Fact]
    public void AdamW_without_weight_decay_is_bit_identical_to_Adam()
    {
        const int n = 41;
        var rng = new Random(3);
        float[] p1 = OptimizerCases.Random(rng, n);
        float[] p2 = (float[])p1.Clone();
        var adam = new Adam(n, 0.01f);
        var adamW = new AdamW(n, 0.01f, weightDecay: 0f);
        for (int step = 0; step < 20; step++)
        {
            float[] g = OptimizerCases.Random(rng, n);
            adam.Step(p1, g);
            adamW.Step(p2, g);
        }
        OptimizerCases.AssertSameBits(p1, p2);
        OptimizerCases.AssertSameBits(adam.State, adamW.State);
    }

    [Fact]
    public void AdamW_decay_alone_shrinks_parameters_by_one_minus_lr_times_wd()
    {
        // With g = 0, m = v = 0 and the Adam term is 0/(0 + ε) = 0: only p ← (1 − lr·wd)·p remains.
        float[] p = [2f, -4f, 0.5f];
        var opt = new AdamW(3, 0.1f, weightDecay: 0.5f);
        opt.Step(p, new float[3]);
        Assert.Equal([1.9f, -3.8f, 0.475f], p);
    }

    [Fact]
    public void State_sizes_and_hyperparameters_are_exposed()
    {
        Assert.Equal(0, new Sgd(10).State.Length);
        Assert.Equal(10, new Sgd(10, momentum: 0.9f).State.Length);
        Assert.Equal(10, new RmsProp(10).State.Length);
        Assert.Equal(20, new Adam(10).State.Length);
        Assert.Equal(20, new AdamW(10).State.Length);

        var sgd = new Sgd(3, 0.02f, 0.8f, nesterov: true);
        Assert.Equal((0.02f, 0.8f, true), (sgd.LearningRate, sgd.Momentum, sgd.Nesterov));
        var rms = new RmsProp(3);
        Assert.Equal((1e-3f, 0.9f, 1e-7f), (rms.LearningRate, rms.Rho, rms.Epsilon));
        var adam = new Adam(3);
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon));
        var adamW = new AdamW(3);
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f),
            (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
    }
}
