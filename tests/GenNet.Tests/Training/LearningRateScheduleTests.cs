using GenNet.Tests.Networks;

namespace GenNet.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_decay_multiplies_by_gamma_every_step_size()
    {
        var schedule = new StepDecaySchedule(0.1f, stepSize: 10, gamma: 0.5f);
        Assert.Equal(0.1f, schedule.At(0));
        Assert.Equal(0.1f, schedule.At(9));
        Assert.Equal(0.05f, schedule.At(10), 1e-7f);
        Assert.Equal(0.025f, schedule.At(25), 1e-7f);
        Assert.True(schedule.At(1_000_000) > 0f);
    }

    [Fact]
    public void Cosine_starts_at_initial_falls_monotonically_and_stays_positive()
    {
        var schedule = new CosineSchedule(1f, totalSteps: 100);
        Assert.Equal(1f, schedule.At(0));
        Assert.Equal(0.5f, schedule.At(50), 1e-6f);
        for (int step = 1; step < 100; step++) Assert.True(schedule.At(step) < schedule.At(step - 1));
        Assert.True(schedule.At(99) > 0f);
        Assert.Equal(schedule.At(99), schedule.At(500));
        Assert.Equal(0.1f + 0.9f * 0.5f, new CosineSchedule(1f, 100, minimum: 0.1f).At(50), 1e-6f);
    }

    [Fact]
    public void Warmup_ramps_linearly_then_hands_over()
    {
        var schedule = new WarmupSchedule(4, new CosineSchedule(0.8f, 10));
        Assert.Equal([0.2f, 0.4f, 0.6f, 0.8f], Enumerable.Range(0, 4).Select(s => schedule.At(s)).ToArray());
        Assert.Equal(0.8f, schedule.At(4));
        Assert.Equal(new CosineSchedule(0.8f, 10).At(3), schedule.At(7));
    }

    [Fact]
    public void Apply_sets_the_rate_of_the_optimizers_next_step()
    {
        var optimizer = new Sgd(3, learningRate: 1f);
        var schedule = new StepDecaySchedule(1f, 1, 0.5f);
        float[] p = [1f, 1f, 1f], g = [1f, 1f, 1f];
        for (int i = 0; i < 3; i++)
        {
            schedule.Apply(optimizer);
            optimizer.Step(p, g);
        }
        Assert.Equal(1f - 1f - 0.5f - 0.25f, p[0], 1e-6f);
    }

    [Fact]
    public void Training_with_warmup_and_cosine_learns_xor()
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        int[] y = [0, 1, 1, 0];
        var net = new XorNet(4, seed: 1);
        var optimizer = new Adam(XorNet.ParameterCount);
        var schedule = new WarmupSchedule(20, new CosineSchedule(0.05f, 480));
        for (int step = 0; step < 500; step++)
        {
            schedule.Apply(optimizer);
            net.TrainStep(x, y, 4, optimizer);
        }
        Assert.Equal(4, net.Evaluate(x, y, 4));
    }

    [Fact]
    public void Bad_settings_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(0f, 1, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1f, 0, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1f, 1, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(float.NaN, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 10, minimum: 2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupSchedule(0, new ConstantSchedule(1f)));
        Assert.Throws<ArgumentNullException>(() => new WarmupSchedule(1, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(-1f).At(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1f).At(-1));
    }
}
