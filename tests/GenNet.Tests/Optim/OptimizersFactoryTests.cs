namespace GenNet.Tests.Optim;

/// <summary>The <c>--optimizer</c> factory: names, defaults, overrides and the error for an unknown name.</summary>
public class OptimizersFactoryTests
{
    [Theory]
    [InlineData("sgd", typeof(Sgd), 0.01f)]
    [InlineData("momentum", typeof(Sgd), 0.01f)]
    [InlineData("nesterov", typeof(Sgd), 0.01f)]
    [InlineData("rmsprop", typeof(RmsProp), 1e-3f)]
    [InlineData("adam", typeof(Adam), 1e-3f)]
    [InlineData("adamw", typeof(AdamW), 1e-3f)]
    [InlineData("AdamW", typeof(AdamW), 1e-3f)]
    public void Creates_each_named_optimizer_with_its_default_learning_rate(string name, Type type, float lr)
    {
        Optimizer opt = Optimizers.Create(name, 12, null);
        Assert.IsType(type, opt);
        Assert.Equal(12, opt.ParameterCount);
        Assert.Equal(lr, opt.LearningRate);
    }

    [Fact]
    public void Momentum_variants_use_momentum_0_9()
    {
        var plain = Assert.IsType<Sgd>(Optimizers.Create("sgd", 4, null));
        var momentum = Assert.IsType<Sgd>(Optimizers.Create("momentum", 4, null));
        var nesterov = Assert.IsType<Sgd>(Optimizers.Create("nesterov", 4, null));
        Assert.Equal((0f, false), (plain.Momentum, plain.Nesterov));
        Assert.Equal((0.9f, false), (momentum.Momentum, momentum.Nesterov));
        Assert.Equal((0.9f, true), (nesterov.Momentum, nesterov.Nesterov));
    }

    [Theory]
    [MemberData(nameof(NameData))]
    public void Learning_rate_override_is_used(string name)
    {
        Assert.Equal(0.123f, Optimizers.Create(name, 4, 0.123f).LearningRate);
    }

    public static TheoryData<string> NameData()
    {
        var data = new TheoryData<string>();
        foreach (string name in Optimizers.Names)
        {
            data.Add(name);
        }
        return data;
    }

    [Fact]
    public void Names_lists_the_six_choices()
    {
        Assert.Equal(["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"], Optimizers.Names);
    }

    [Theory]
    [InlineData("lbfgs")]
    [InlineData("")]
    [InlineData("adam ")]
    public void Unknown_name_throws_ArgumentException_listing_the_choices(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Optimizers.Create(name, 4, null));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sgd, momentum, nesterov, rmsprop, adam, adamw", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_learning_rate_override_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Create("adam", 4, -1f));
    }
}
