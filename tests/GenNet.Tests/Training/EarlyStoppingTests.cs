using GenNet.Data;
using GenNet.Models;
using GenNet.Training;

namespace GenNet.Tests.Training;

public class EarlyStoppingTests
{
    [Fact]
    public void Stops_after_patience_epochs_without_improvement_and_keeps_the_best_parameters()
    {
        var stopping = new EarlyStopping(parameterCount: 2, patience: 2, minDelta: 0.01f);
        Assert.False(stopping.Observe(1, 1.0, [1f, 1f]));
        Assert.False(stopping.Observe(2, 0.5, [2f, 2f]));      // best
        Assert.False(stopping.Observe(3, 0.495, [3f, 3f]));    // within minDelta: no improvement (1)
        Assert.True(stopping.Observe(4, 0.7, [4f, 4f]));       // (2) = patience: stop
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Equal(0.5, stopping.BestLoss);
        var restored = new float[2];
        stopping.RestoreBest(restored);
        Assert.Equal([2f, 2f], restored);
    }

    [Fact]
    public void Bad_settings_and_misuse_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(10, 1, float.NaN));
        var stopping = new EarlyStopping(3, 1);
        Assert.Throws<InvalidOperationException>(() => stopping.RestoreBest(new float[3]));
        Assert.Throws<ArgumentException>(() => stopping.Observe(1, 1.0, new float[2]));
    }

    [Fact]
    public void Trainer_stops_on_a_rising_validation_loss_and_restores_the_best_epoch()
    {
        // A validation set with random labels: as the network fits the training set, its confident predictions make
        // the validation loss rise, so early stopping must fire well before the 40 epochs.
        var rng = new Rng(9);
        LabeledImages Make(int count, bool randomLabels)
        {
            var prototypes = new Rng(1);
            var pixels = new float[count * 784];
            var labels = new int[count];
            for (int s = 0; s < count; s++)
            {
                int cls = rng.NextInt(10);
                labels[s] = randomLabels ? rng.NextInt(10) : cls;
                for (int f = 0; f < 784; f++) pixels[s * 784 + f] = (f % 10 == cls ? 1f : 0f) + 0.2f * rng.NextGaussian();
            }
            return new LabeledImages(pixels, labels, 28, 28);
        }
        LabeledImages train = Make(256, randomLabels: false), validation = Make(128, randomLabels: true);
        using var net = new MnistMlp(32, seed: 2);
        var optimizer = new Adam(MnistMlp.ParameterCount);
        var snapshots = new List<float[]>();
        var trainer = new Trainer(net, optimizer, new BatchSampler(train, 32, new Rng(3)))
        {
            ValidationSet = validation,
            EarlyStopping = new EarlyStopping(MnistMlp.ParameterCount, patience: 2),
            EpochCompleted = m =>
            {
                Assert.False(double.IsNaN(m.ValidationLoss));
                snapshots.Add(net.Parameters.ToArray());
            },
        };

        TrainingResult result = trainer.Run(40);

        Assert.Equal(TrainingStatus.EarlyStopped, result.Status);
        Assert.True(result.Epoch < 40);
        int best = trainer.EarlyStopping!.BestEpoch;
        Assert.Equal(result.Epoch - 2, best);
        Assert.True(net.Parameters.SequenceEqual(snapshots[best - 1]), "the best epoch's parameters were not restored");
    }

    [Fact]
    public void Early_stopping_without_a_validation_set_is_refused()
    {
        var data = new LabeledImages(new float[32 * 784], new int[32], 28, 28);
        using var net = new MnistMlp(32);
        var trainer = new Trainer(net, new Sgd(MnistMlp.ParameterCount), new BatchSampler(data, 32, new Rng(1)))
        {
            EarlyStopping = new EarlyStopping(MnistMlp.ParameterCount, 1),
        };
        Assert.Throws<InvalidOperationException>(() => trainer.Run(1));
    }
}
