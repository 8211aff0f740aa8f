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

    /// <summary>With two threads every split part of a step (GEMMs, the derivative pass, the optimizer, the batch
    /// copy) runs on the pool's long-lived workers: nothing allocates on the caller or on a worker.</summary>
    [Fact]
    public void Mnist_mlp_on_two_threads_allocates_nothing_per_step_on_any_thread()
    {
        var rng = new Rng(4);
        using var net = new MnistMlp(64, seed: 1, threads: 2);
        var data = new GenNet.Data.LabeledImages(GradientCheckTests.RandomArray(rng, 640 * 784, 1f),
            Enumerable.Range(0, 640).Select(i => i % 10).ToArray(), 28, 28);
        var sampler = new GenNet.Data.BatchSampler(data, 64, new Rng(5));
        var optimizer = new RmsProp(MnistMlp.ParameterCount);
        void Step()
        {
            if (!sampler.TryNextBatch(out ReadOnlySpan<float> x, out ReadOnlySpan<int> y, out int count, net.Workers))
            {
                sampler.TryNextBatch(out x, out y, out count, net.Workers);
            }
            net.TrainStep(x, y, count, optimizer);
        }
        Assert.Equal(0, Allocations.MeasureEverywhere(net.Workers!, Step, repeat: 40));
    }

    /// <summary>Convolution, pooling and dropout layers, on one and two threads: nothing allocates, on any thread, and the
    /// two thread counts give the same bits.</summary>
    [Fact]
    public void Conv_network_allocates_nothing_and_gives_the_same_bits_on_two_threads()
    {
        var rng = new Rng(7);
        float[] x = GradientCheckTests.RandomArray(rng, 6 * OddConvNet.InputSize, 1f);
        int[] y = [0, 1, 2, 0, 1, 2];
        var output = new float[6 * OddConvNet.OutputSize];
        using var one = new OddConvNet(6, seed: 3);
        using var two = new OddConvNet(6, seed: 3, threads: 2);
        var optimizerOne = new Adam(OddConvNet.ParameterCount);
        var optimizerTwo = new Adam(OddConvNet.ParameterCount);
        for (int step = 0; step < 3; step++)
        {
            Assert.Equal(one.TrainStep(x, y, 6, optimizerOne), two.TrainStep(x, y, 6, optimizerTwo));
        }
        Assert.True(one.Parameters.SequenceEqual(two.Parameters));

        void Work()
        {
            two.Forward(x.AsSpan(0, OddConvNet.InputSize), output.AsSpan(0, OddConvNet.OutputSize));
            two.Predict(x, output, 6);
            two.TrainStep(x, y, 6, optimizerTwo);
            two.Evaluate(x, y, 6, out _);
        }
        Assert.Equal(0, Allocations.Measure(Work, repeat: 1000));
        Assert.Equal(0, Allocations.MeasureEverywhere(two.Workers!, Work, repeat: 200));
    }

    /// <summary>
    /// The backward kernels overwrite the gradient arena (no clearing pass): starting from NaN, and computing twice,
    /// must give the bits of a fresh network's single call, for every layer kind (no-bias layers included).
    /// </summary>
    [Fact]
    public void ComputeGradients_overwrites_every_gradient()
    {
        var rng = new Rng(6);
        float[] x = GradientCheckTests.RandomArray(rng, 16 * 3, 1f), t = GradientCheckTests.RandomArray(rng, 16 * 2, 1f);
        using var fresh = new RegressorNet(16, seed: 2);
        using var reused = new RegressorNet(16, seed: 2);
        fresh.ComputeGradients(x, t, 16);
        reused.Gradients.Fill(float.NaN);
        reused.ComputeGradients(x, t, 16);
        reused.ComputeGradients(x, t, 16);
        Assert.True(fresh.Gradients.SequenceEqual(reused.Gradients));

        float[] images = GradientCheckTests.RandomArray(rng, 16 * 784, 1f);
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        using var mnistFresh = new MnistMlp(16, seed: 3);
        using var mnistReused = new MnistMlp(16, seed: 3, threads: 2);
        mnistFresh.ComputeGradients(images, labels, 16);
        mnistReused.Gradients.Fill(float.NaN);
        mnistReused.ComputeGradients(images, labels, 16);
        mnistReused.ComputeGradients(images, labels, 16);
        Assert.True(mnistFresh.Gradients.SequenceEqual(mnistReused.Gradients));
    }
}
