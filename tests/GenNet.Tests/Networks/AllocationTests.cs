using GenNet.Models;

namespace GenNet.Tests.Networks;

/// <summary>After construction, nothing a network or an optimizer does allocates.</summary>
public class AllocationTests
{
    [Fact]
    public void Small_network_allocates_nothing_over_thousands_of_calls()
    {
        var rng = new Rng(1);
        var net = new TinyReluNet(8, seed: 1);
        float[] x = GradientCheckTests.RandomArray(rng, 8 * 5, 1f);
        int[] y = [0, 1, 2, 0, 1, 2, 0, 1];
        var output = new float[8 * 3];
        Optimizer[] optimizers = Optimizers.Names.Select(name => Optimizers.Create(name, TinyReluNet.ParameterCount)).ToArray();

        void Work()
        {
            net.Forward(x.AsSpan(0, 5), output.AsSpan(0, 3));
            net.Predict(x, output, 8);
            net.ComputeGradients(x, y, 8);
            foreach (Optimizer optimizer in optimizers) net.TrainStep(x, y, 8, optimizer);
            net.Evaluate(x, y, 8, out _);
        }

        Assert.Equal(0, Allocations.Measure(Work, repeat: 2000));
    }

    [Fact]
    public void Mnist_mlp_allocates_nothing_per_step()
    {
        var rng = new Rng(2);
        var net = new MnistMlp(32, seed: 1);
        float[] x = GradientCheckTests.RandomArray(rng, 32 * 784, 1f);
        int[] y = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        var probabilities = new float[32 * 10];
        var optimizer = new RmsProp(MnistMlp.ParameterCount);

        void Work()
        {
            net.TrainStep(x, y, 32, optimizer);
            net.Predict(x, probabilities, 32);
            net.Forward(x.AsSpan(0, 784), probabilities.AsSpan(0, 10));
            net.Evaluate(x, y, 32);
        }

        Assert.Equal(0, Allocations.Measure(Work, repeat: 50));
    }
}
