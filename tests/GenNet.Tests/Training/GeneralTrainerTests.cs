using GenNet.Data;
using GenNet.Serialization;
using GenNet.Tests.Examples;
using GenNet.Training;

namespace GenNet.Tests.Training;

// y = sin(2x₀)·cos(x₁) over [-1.5, 1.5]²: a smooth surface a small tanh network fits closely.
[Input(2)]
[Dense(24, Activation.Tanh)]
[Dense(24, Activation.Tanh)]
[Dense(1)]
[MeanSquaredError]
public partial class SmoothSurfaceNet;

/// <summary>The general trainer over in-memory data: classifiers and regressors, splits, schedules, callbacks, checkpoints.</summary>
public class GeneralTrainerTests
{
    /// <summary>Three Gaussian clusters of four features (Iris-shaped), standardised-ish values.</summary>
    internal static Dataset Clusters(int perClass, ulong seed)
    {
        float[][] means = [[-1.2f, 0.8f, -1.3f, -1.2f], [0.1f, -0.6f, 0.3f, 0.1f], [1.1f, -0.1f, 1.0f, 1.1f]];
        var rng = new Rng(seed);
        var inputs = new float[3 * perClass * 4];
        var labels = new int[3 * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 3;
            for (int f = 0; f < 4; f++)
            {
                inputs[i * 4 + f] = means[labels[i]][f] + 0.35f * rng.NextGaussian();
            }
        }
        return Dataset.Classification(inputs, labels, features: 4, classCount: 3);
    }

    internal static Dataset Surface(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var inputs = new float[count * 2];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            float x0 = 3f * rng.NextFloat() - 1.5f, x1 = 3f * rng.NextFloat() - 1.5f;
            (inputs[2 * i], inputs[2 * i + 1]) = (x0, x1);
            targets[i] = MathF.Sin(2 * x0) * MathF.Cos(x1);
        }
        return Dataset.Regression(inputs, targets, features: 2);
    }

    [Fact]
    public void A_classifier_trains_on_a_split_of_tabular_data_and_reports_every_epoch()
    {
        (Dataset train, Dataset validation) = Clusters(perClass: 60, seed: 1).Split(0.2, seed: 2);
        Assert.Equal((144, 36), (train.Count, validation.Count));
        using var net = new IrisClassifier(maxBatchSize: 16, seed: 3);
        var sampler = new BatchSampler(train, 16, new Rng(4));
        var seen = new List<EpochMetrics>();
        var trainer = new Trainer(net, new Adam(IrisClassifier.ParameterCount), sampler)
        {
            ValidationSet = validation,
            Schedule = new CosineSchedule(0.05f, totalSteps: 40 * sampler.BatchesPerEpoch),
            Progress = new InlineProgress<EpochMetrics>(seen.Add),
        };
        TrainingResult result = trainer.Run(epochs: 40);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal(Enumerable.Range(1, 40), seen.Select(m => m.Epoch));
        Assert.True(seen[^1].ValidationAccuracy >= 0.9, $"validation accuracy {seen[^1].ValidationAccuracy:P1}");
        Assert.True(seen[^1].TrainLoss < seen[0].TrainLoss / 2, $"loss {seen[0].TrainLoss} → {seen[^1].TrainLoss}");
        // The schedule set every step's rate: the last epoch ran near the cosine's end, far below its start.
        Assert.True(seen[^1].LearningRate < 0.002f, $"last rate {seen[^1].LearningRate}");
    }

    [Fact]
    public void A_regressor_fits_a_smooth_function_with_early_stopping()
    {
        (Dataset train, Dataset validation) = Surface(1200, seed: 5).Split(0.25, seed: 6);
        using var net = new SmoothSurfaceNet(maxBatchSize: 32, seed: 7);
        var trainer = new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount, 0.01f), new BatchSampler(train, 32, new Rng(8)))
        {
            ValidationSet = validation,
            EarlyStopping = new EarlyStopping(SmoothSurfaceNet.ParameterCount, patience: 8),
        };
        var epochs = new List<EpochMetrics>();
        trainer.EpochCompleted = epochs.Add;
        TrainingResult result = trainer.Run(epochs: 150);

        Assert.Contains(result.Status, new[] { TrainingStatus.Completed, TrainingStatus.EarlyStopped });
        Assert.True(double.IsNaN(epochs[0].ValidationAccuracy), "a regressor has no accuracy");
        // The targets' variance is about 0.23; a close fit leaves a small fraction of it.
        float mse = net.Loss(validation.Inputs, validation.Targets, validation.Count);
        Assert.True(mse < 0.01f, $"validation MSE {mse} (first epoch {epochs[0].ValidationLoss})");
    }

    [Fact]
    public void An_epoch_after_the_first_allocates_nothing()
    {
        (Dataset train, Dataset validation) = Clusters(perClass: 100, seed: 9).Split(0.1, seed: 10);
        using var net = new IrisClassifier(maxBatchSize: 25, seed: 11);
        var sampler = new BatchSampler(train, 25, new Rng(12));
        var epochs = new List<EpochMetrics>(capacity: 16);
        var trainer = new Trainer(net, new Adam(IrisClassifier.ParameterCount), sampler)
        {
            ValidationSet = validation,
            TestSet = validation,
            AccuracySet = train,
            Schedule = new WarmupSchedule(20, new StepDecaySchedule(0.01f, sampler.BatchesPerEpoch, 0.9f)),
            EarlyStopping = new EarlyStopping(IrisClassifier.ParameterCount, patience: 1000),
            Average = new WeightAverage(IrisClassifier.ParameterCount, 0.99f),
            EpochCompleted = epochs.Add,
        };
        trainer.Run(epochs: 2);
        // A run that allocated nothing has epochs whose metrics say so; a run the runtime disturbed is not checked.
        long least = Allocations.LeastOfTrainerRuns(trainer, epochsPerRun: 10, afterRun: bytes =>
        {
            if (bytes == 0)
            {
                Assert.All(epochs.TakeLast(10), m => Assert.True(m.AllocatedBytes == 0, $"epoch {m.Epoch} allocated {m.AllocatedBytes} bytes"));
            }
        });
        Assert.Equal(0, least);
        Assert.True(epochs.Count >= 12, $"{epochs.Count} epochs");
    }

    [Fact]
    public void The_same_regressor_loop_allocates_nothing_either()
    {
        using var net = new SmoothSurfaceNet(maxBatchSize: 50, seed: 1);
        Dataset data = Surface(500, seed: 2);
        var trainer = new Trainer(net, new Sgd(SmoothSurfaceNet.ParameterCount, 0.05f, momentum: 0.9f), new BatchSampler(data, 50, new Rng(3)))
        {
            ValidationSet = data,
            Schedule = new CosineSchedule(0.05f, 1000),
        };
        trainer.Run(epochs: 2);
        Assert.Equal(0, Allocations.LeastOfTrainerRuns(trainer, epochsPerRun: 6));
    }

    [Fact]
    public void A_checkpoint_taken_between_runs_continues_bit_exactly()
    {
        Dataset data = Surface(300, seed: 13);
        (SmoothSurfaceNet Net, Trainer Trainer) Make()
        {
            var net = new SmoothSurfaceNet(maxBatchSize: 20, seed: 14);
            return (net, new Trainer(net, Optimizers.Create("adam", SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(15)))
            {
                Schedule = new StepDecaySchedule(1e-2f, 15, 0.8f),
            });
        }

        using var folder = new Data.TempDirectory();
        string path = folder.File("run.gnck");
        (SmoothSurfaceNet straight, Trainer straightTrainer) = Make();
        straightTrainer.Run(epochs: 4);

        (SmoothSurfaceNet first, Trainer firstTrainer) = Make();
        firstTrainer.Run(epochs: 2);
        Checkpoint.Save(firstTrainer, path);
        (SmoothSurfaceNet resumed, Trainer resumedTrainer) = Make();
        Checkpoint.LoadInto(path, resumedTrainer);
        Assert.Equal(2, resumedTrainer.State.EpochsCompleted);
        resumedTrainer.Run(epochs: 4);

        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        straight.Dispose();
        first.Dispose();
        resumed.Dispose();
    }

    [Fact]
    public void Data_that_do_not_fit_the_network_are_refused_with_the_reason()
    {
        using var classifier = new IrisClassifier(8, seed: 1);
        using var regressor = new SmoothSurfaceNet(8, seed: 1);
        Dataset clusters = Clusters(10, seed: 1), surface = Surface(10, seed: 1);

        string Refusal(INetwork net, Dataset data) =>
            Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(net.ParameterCount), new BatchSampler(data, 4, new Rng(1)))).Message;

        Assert.Contains("float targets, but the network is a classifier", Refusal(classifier, Dataset.Regression(clusters.Inputs, new float[30 * 3], 4, 3)));
        Assert.Contains("class labels, but the network is a regressor", Refusal(regressor, Dataset.Classification(surface.Inputs, new int[10], 2, 2)));
        Assert.Contains("the samples hold 4 values but the network takes 2", Refusal(regressor, Dataset.Regression(clusters.Inputs, new float[30], 4)));
        Assert.Contains("2 targets each but the network outputs 1", Refusal(regressor, Dataset.Regression(surface.Inputs, new float[20], 2, 2)));
        Assert.Contains("the labels have 5 classes but the network outputs 3", Refusal(classifier, Dataset.Classification(clusters.Inputs, new int[30], 4, 5)));

        var trainer = new Trainer(classifier, new Sgd(IrisClassifier.ParameterCount), new BatchSampler(clusters, 4, new Rng(1)))
        {
            ValidationSet = Dataset.Regression(clusters.Inputs, new float[30 * 3], 4, 3),
        };
        Assert.Contains("ValidationSet", Assert.Throws<ArgumentException>(() => trainer.Run(1)).Message);
    }

    [Fact]
    public void A_checkpoint_refuses_a_trainer_with_another_kind_of_optimizer()
    {
        Dataset data = Surface(60, seed: 16);
        using var net = new SmoothSurfaceNet(maxBatchSize: 20, seed: 17);
        var trainer = new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(18)));
        trainer.Run(epochs: 1);
        using var folder = new Data.TempDirectory();
        string path = folder.File("adam.gnck");
        Checkpoint.Save(trainer, path);
        Assert.Equal("adam", Checkpoint.Load(path).OptimizerName);

        // AdamW keeps as many floats of state as Adam: only the name tells them apart.
        using var other = new SmoothSurfaceNet(maxBatchSize: 20, seed: 17);
        var adamW = new Trainer(other, new AdamW(SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(18)));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(path, adamW));
        Assert.Contains("taken with the adam optimizer but the trainer's is adamw", error.Message);
        Assert.Equal(0, adamW.State.EpochsCompleted);
    }

    [Fact]
    public void Early_stopping_for_another_network_or_a_never_finite_validation_loss_ends_cleanly()
    {
        Dataset data = Surface(60, seed: 19);
        using var net = new SmoothSurfaceNet(maxBatchSize: 20, seed: 20);
        var wrongSize = new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(21)))
        {
            ValidationSet = data,
            EarlyStopping = new EarlyStopping(SmoothSurfaceNet.ParameterCount + 1, patience: 1),
        };
        Assert.Contains("made for", Assert.Throws<InvalidOperationException>(() => wrongSize.Run(1)).Message);

        // Targets of 1e30 make every validation loss +∞ (the squares overflow float) while training on finite data.
        float[] huge = Enumerable.Repeat(1e30f, data.Count).ToArray();
        var unreachable = Dataset.Regression(data.Inputs, huge, features: 2);
        var never = new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(21)))
        {
            ValidationSet = unreachable,
            EarlyStopping = new EarlyStopping(SmoothSurfaceNet.ParameterCount, patience: 2),
        };
        TrainingResult result = never.Run(epochs: 10);
        Assert.Equal(TrainingStatus.NonFinite, result.Status);
        Assert.Contains("validation loss has not been finite", result.Message);
    }

    [Fact]
    public void Datasets_check_their_arrays()
    {
        Assert.Contains("need 8 inputs, not 7", Assert.Throws<ArgumentException>(() => Dataset.Classification(new float[7], [0, 1], 4, 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Classification(new float[8], [0, 2], 4, 2));
        Assert.Contains("not whole rows of 2", Assert.Throws<ArgumentException>(() => Dataset.Regression(new float[8], new float[3], 4, 2)).Message);
        Assert.Throws<ArgumentException>(() => Dataset.Regression([1, float.NaN], [0f], 2));
        Assert.Throws<ArgumentException>(() => Dataset.Regression([1, 2], [float.PositiveInfinity], 2));
        Assert.Contains("does not hold 4 features", Assert.Throws<ArgumentException>(() => Dataset.Classification(new float[8], [0, 1], 4, 2, new TensorShape(1, 3, 1))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Clusters(5, 1).Split(1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Clusters(5, 1).Split(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Classification(new float[8], [0, 1], 4, 2).Split(0.9, 1));
    }

    [Fact]
    public void A_split_is_a_seeded_partition_of_the_samples()
    {
        Dataset data = Surface(101, seed: 1);
        (Dataset a, Dataset b) = data.Split(0.3, seed: 7);
        (Dataset a2, _) = data.Split(0.3, seed: 7);
        (Dataset a3, _) = data.Split(0.3, seed: 8);
        Assert.Equal((71, 30), (a.Count, b.Count));
        Assert.Equal(a.Inputs, a2.Inputs);
        Assert.NotEqual(a.Inputs, a3.Inputs);
        // Every sample lands in exactly one part, with its own target.
        var pairs = a.Targets!.Zip(a.Inputs.Chunk(2)).Concat(b.Targets!.Zip(b.Inputs.Chunk(2)))
            .Select(p => (p.First, p.Second[0], p.Second[1])).OrderBy(p => p).ToArray();
        var original = data.Targets!.Zip(data.Inputs.Chunk(2)).Select(p => (p.First, p.Second[0], p.Second[1])).OrderBy(p => p).ToArray();
        Assert.Equal(original, pairs);
    }

    /// <summary>Reports inline on the trainer's thread (unlike <see cref="Progress{T}"/>, which posts to a context).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
