using GenNet.Models;
using GenNet.Tests.Networks;

namespace GenNet.Tests.Training;

/// <summary>Short training runs on data the tests make: the loss falls and the networks learn the task.</summary>
public class TinyTrainingTests
{
    [Fact]
    public void Xor_is_learned_to_full_accuracy()
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        int[] y = [0, 1, 1, 0];
        var net = new XorNet(4, seed: 1);
        var optimizer = new Adam(XorNet.ParameterCount, learningRate: 0.05f);
        float first = net.TrainStep(x, y, 4, optimizer);
        float last = first;
        for (int step = 0; step < 500; step++)
        {
            last = net.TrainStep(x, y, 4, optimizer);
        }
        Assert.True(last < first / 20, $"loss went from {first} to {last}");
        Assert.Equal(4, net.Evaluate(x, y, 4));
    }

    [Fact]
    public void Two_blobs_are_separated_with_minibatch_sgd()
    {
        // Two Gaussian blobs in 5 dimensions, centred at ±1 on every axis: linearly separable in practice.
        var rng = new Rng(21);
        const int count = 200;
        var x = new float[count * 5];
        var y = new int[count];
        for (int s = 0; s < count; s++)
        {
            y[s] = s % 2;
            for (int f = 0; f < 5; f++) x[s * 5 + f] = (y[s] == 0 ? -1f : 1f) + 0.5f * rng.NextGaussian();
        }
        var net = new TinyReluNet(20, seed: 2);
        var optimizer = new Sgd(TinyReluNet.ParameterCount, learningRate: 0.1f, momentum: 0.9f);
        net.Evaluate(x, y, count, out float initialLoss);
        for (int epoch = 0; epoch < 10; epoch++)
        {
            for (int start = 0; start < count; start += 20)
            {
                net.TrainStep(x.AsSpan(start * 5, 20 * 5), y.AsSpan(start, 20), 20, optimizer);
            }
        }
        int correct = net.Evaluate(x, y, count, out float finalLoss);
        Assert.True(finalLoss < initialLoss / 10, $"loss went from {initialLoss} to {finalLoss}");
        Assert.Equal(count, correct);
    }

    [Fact]
    public void Linear_regression_recovers_the_weights()
    {
        var rng = new Rng(3);
        const int count = 64;
        float[] trueWeights = [0.5f, -1f, 2f, 0.25f];
        var x = new float[count * 4];
        var t = new float[count];
        for (int s = 0; s < count; s++)
        {
            for (int f = 0; f < 4; f++) x[s * 4 + f] = rng.NextUniform(-1, 1);
            t[s] = 0.3f + Enumerable.Range(0, 4).Sum(f => trueWeights[f] * x[s * 4 + f]);
        }
        var net = new LinearRegressionNet(count, seed: 4);
        var optimizer = new Sgd(LinearRegressionNet.ParameterCount, learningRate: 0.2f);
        for (int step = 0; step < 1000; step++) net.TrainStep(x, t, count, optimizer);
        Assert.True(net.Loss(x, t, count) < 1e-8f);
        for (int f = 0; f < 4; f++) Assert.Equal(trueWeights[f], net.Parameters[f], 1e-3f);
        Assert.Equal(0.3f, net.Parameters[4], 1e-3f);
    }

    [Fact]
    public void Same_seed_and_data_give_bit_identical_parameters_after_training()
    {
        float[] RunOnce()
        {
            var rng = new Rng(5);
            float[] x = GradientCheckTests.RandomArray(rng, 32 * 784, 1f);
            int[] y = Enumerable.Range(0, 32).Select(_ => rng.NextInt(10)).ToArray();
            var net = new MnistMlp(16, seed: 6);
            var optimizer = new RmsProp(MnistMlp.ParameterCount);
            for (int step = 0; step < 4; step++) net.TrainStep(x.AsSpan(step % 2 * 16 * 784, 16 * 784), y.AsSpan(step % 2 * 16, 16), 16, optimizer);
            return net.Parameters.ToArray();
        }
        Assert.Equal(RunOnce(), RunOnce());
    }
}

public class ThreadingTests
{
    // TrainStep passes the network's pool to the optimizer, which splits its 407,050 floats over the threads too.
    [Theory]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("nesterov")]
    public void Two_and_three_threads_give_the_same_bits_as_one(string optimizerName)
    {
        (float[] Parameters, float[] State) Train(int threads)
        {
            var rng = new Rng(8);
            float[] x = GradientCheckTests.RandomArray(rng, 64 * 784, 1f);
            int[] y = Enumerable.Range(0, 64).Select(_ => rng.NextInt(10)).ToArray();
            using var net = new MnistMlp(64, seed: 3, threads: threads);
            Assert.Equal(threads, net.Threads);
            Assert.Equal(threads == 1, net.Workers is null);
            Assert.Equal(threads, net.Workers?.ThreadCount ?? 1);
            Assert.Same(net.Workers, ((INetwork)net).Workers);
            Optimizer optimizer = Optimizers.Create(optimizerName, MnistMlp.ParameterCount);
            for (int step = 0; step < 3; step++) net.TrainStep(x, y, 64, optimizer);
            return (net.Parameters.ToArray(), optimizer.State.ToArray());
        }
        var one = Train(1);
        foreach (int threads in (int[])[2, 3])
        {
            var many = Train(threads);
            Optim.OptimizerCases.AssertSameBits(one.Parameters, many.Parameters);
            Optim.OptimizerCases.AssertSameBits(one.State, many.State);
        }
    }
}
