using GenNet.Data;
using GenNet.Models;
using GenNet.Tests.Data;

namespace GenNet.Tests.Examples;

/// <summary>The deeper example, 784-256 Tanh-128 Tanh-10, trained briefly on real MNIST.</summary>
public class DeepTanhMnistTests
{
    [MnistDataFact]
    public void One_epoch_beats_95_percent()
    {
        MnistDataset data = MnistDataset.Load(SharedData.MnistDirectory!);
        const int batch = 64;

        using var net = new DeepTanhMlp(batch, seed: 1, threads: 2);
        var optimizer = new Adam(DeepTanhMlp.ParameterCount, learningRate: 1e-3f);
        var sampler = new BatchSampler(data.Train, batch, new Rng(2));
        while (sampler.TryNextBatch(out ReadOnlySpan<float> x, out ReadOnlySpan<int> y, out int count))
        {
            net.TrainStep(x, y, count, optimizer);
        }

        double accuracy = net.Evaluate(data.Test.Pixels, data.Test.Labels, data.Test.Count) / (double)data.Test.Count;
        Assert.True(accuracy > 0.95, $"test accuracy {accuracy:P2}");
    }
}
