namespace GenNet.Tests.Optim;

/// <summary>Every hyperparameter is range-checked, with the parameter named and the expectation stated.</summary>
public class OptimizerValidationTests
{
    public static TheoryData<string, string, Func<Optimizer>> BadHyperparameters()
    {
        var data = new TheoryData<string, string, Func<Optimizer>>();
        float[] notFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

        foreach (float bad in (float[])[0f, -1e-3f, .. notFinite])
        {
            data.Add("learningRate", "greater than 0", () => new Sgd(4, bad));
            data.Add("learningRate", "greater than 0", () => new RmsProp(4, bad));
            data.Add("learningRate", "greater than 0", () => new Adam(4, bad));
            data.Add("learningRate", "greater than 0", () => new AdamW(4, bad));
            data.Add("epsilon", "greater than 0", () => new RmsProp(4, epsilon: bad));
            data.Add("epsilon", "greater than 0", () => new Adam(4, epsilon: bad));
            data.Add("epsilon", "greater than 0", () => new AdamW(4, epsilon: bad));
        }
        foreach (float bad in (float[])[-1e-3f, .. notFinite])
        {
            data.Add("momentum", "at least 0", () => new Sgd(4, momentum: bad));
            data.Add("weightDecay", "at least 0", () => new AdamW(4, weightDecay: bad));
        }
        foreach (float bad in (float[])[-0.1f, 1f, 1.5f, .. notFinite])
        {
            data.Add("rho", "less than 1", () => new RmsProp(4, rho: bad));
            data.Add("beta1", "less than 1", () => new Adam(4, beta1: bad));
            data.Add("beta2", "less than 1", () => new Adam(4, beta2: bad));
            data.Add("beta1", "less than 1", () => new AdamW(4, beta1: bad));
            data.Add("beta2", "less than 1", () => new AdamW(4, beta2: bad));
        }
        data.Add("momentum", "greater than 0 when nesterov", () => new Sgd(4, momentum: 0f, nesterov: true));
        data.Add("parameterCount", "", () => new Adam(0));
        data.Add("parameterCount", "", () => new Sgd(-1));
        return data;
    }

    [Theory]
    [MemberData(nameof(BadHyperparameters))]
    public void Bad_hyperparameter_throws_ArgumentOutOfRange_naming_it(string parameter, string expectation, Func<Optimizer> create)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(expectation, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Boundary_values_are_accepted()
    {
        _ = new Sgd(1, float.Epsilon, momentum: 0f);
        _ = new Sgd(1, 1f, momentum: 0f, nesterov: false);
        _ = new RmsProp(1, rho: 0f);
        _ = new Adam(1, beta1: 0f, beta2: 0f);
        _ = new AdamW(1, weightDecay: 0f);
    }

    [Fact]
    public void Setting_a_bad_learning_rate_later_throws()
    {
        var opt = new Adam(3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = -1f);
        Assert.Equal("LearningRate", ex.ParamName);
        Assert.Equal(Adam.DefaultLearningRate, opt.LearningRate);
    }

    public static TheoryData<string> Cases => OptimizerCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_with_mismatched_lengths_throws_and_changes_nothing(string name)
    {
        const int n = 9;
        Optimizer opt = OptimizerCases.Create(name, n, 0.1f);
        float[] p = new float[n + 1];
        p.AsSpan().Fill(1f);

        Assert.Throws<ArgumentException>(() => opt.Step(p, new float[n + 1]));           // both too long
        Assert.Throws<ArgumentException>(() => opt.Step(p.AsSpan(0, n), new float[n - 1])); // gradients short
        Assert.Throws<ArgumentException>(() => opt.Step(p.AsSpan(0, n - 1), new float[n])); // parameters short

        Assert.Equal(0, opt.Steps);
        Assert.All(p, x => Assert.Equal(1f, x));
        Assert.All(opt.State.ToArray(), x => Assert.Equal(0f, x));
    }
}
