using GenNet.Data;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Tests.Examples;
using GenNet.Training;

namespace GenNet.Tests.Training;

/// <summary>The moving average of the weights: its arithmetic on every vector width, and the trainer and checkpoints around it.</summary>
public class WeightAverageTests
{
    private static float[] Values(int length, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, length).Select(_ => 3f * rng.NextGaussian()).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(1001)]
    public void Updates_copy_first_then_blend_exactly_as_the_scalar_formula_on_odd_lengths(int length)
    {
        const float decay = 0.993f;
        var average = new WeightAverage(length, decay);
        Assert.Equal(0, average.Updates);
        float[] first = Values(length, 1);
        average.Update(first);
        Assert.Equal(first, average.Values.ToArray());

        float[] expected = (float[])first.Clone();
        for (ulong step = 2; step <= 5; step++)
        {
            float[] parameters = Values(length, step);
            average.Update(parameters);
            for (int i = 0; i < length; i++)
            {
                expected[i] += (1f - decay) * (parameters[i] - expected[i]); // the scalar twin
            }
            Assert.Equal(step, (ulong)average.Updates);
            for (int i = 0; i < length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(average.Values[i]),
                    $"update {step}, value {i}: {average.Values[i]:R}, expected {expected[i]:R}");
            }
        }
    }

    [Fact]
    public void Swapping_twice_restores_both_sides_and_restore_checks_what_it_is_given()
    {
        var average = new WeightAverage(5, 0.5f);
        average.Update([1, 2, 3, 4, 5]);
        average.Update([3, 4, 5, 6, 7]);
        float[] parameters = [10, 20, 30, 40, 50];
        average.SwapWith(parameters);
        Assert.Equal([2f, 3, 4, 5, 6], parameters);
        Assert.Equal([10f, 20, 30, 40, 50], average.Values.ToArray());
        average.SwapWith(parameters);
        Assert.Equal([10f, 20, 30, 40, 50], parameters);

        average.Restore([9, 8, 7, 6, 5], updates: 12);
        Assert.Equal(12, average.Updates);
        Assert.Equal([9f, 8, 7, 6, 5], average.Values.ToArray());
        Assert.Throws<ArgumentException>(() => average.Restore([1, 2], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => average.Restore(new float[5], -1));
        Assert.Contains("Value 2 of the average is NaN", Assert.Throws<ArgumentException>(() => average.Restore([0, 0, float.NaN, 0, 0], 1)).Message);
        Assert.Equal(12, average.Updates); // a refused restore changes nothing
        Assert.Throws<ArgumentException>(() => average.Update(new float[4]));
        Assert.Throws<ArgumentException>(() => average.SwapWith(new float[6]));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    public void A_decay_outside_0_to_1_is_refused(float decay) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(3, decay));

    private static (IrisClassifier Net, Trainer Trainer) Make(Dataset train, Dataset test, WeightAverage? average, EarlyStopping? stopping = null, Dataset? validation = null)
    {
        var net = new IrisClassifier(maxBatchSize: 16, seed: 3);
        var trainer = new Trainer(net, new Adam(IrisClassifier.ParameterCount, 0.05f), new BatchSampler(train, 16, new Rng(4)))
        {
            TestSet = test,
            ValidationSet = validation,
            EarlyStopping = stopping,
            Average = average,
        };
        return (net, trainer);
    }

    [Fact]
    public void The_trainer_evaluates_the_average_and_trains_on_as_if_it_were_not_there()
    {
        (Dataset train, Dataset test) = GeneralTrainerTests.Clusters(perClass: 40, seed: 5).Split(0.25, seed: 6);
        (IrisClassifier plain, Trainer plainTrainer) = Make(train, test, average: null);
        var average = new WeightAverage(IrisClassifier.ParameterCount, 0.9f);
        (IrisClassifier averaged, Trainer averagedTrainer) = Make(train, test, average);
        var seen = new List<float[]>();
        var metrics = new List<EpochMetrics>();
        averagedTrainer.EpochCompleted = m =>
        {
            metrics.Add(m);
            seen.Add(averaged.Parameters.ToArray());
        };
        plainTrainer.Run(epochs: 3);
        averagedTrainer.Run(epochs: 3);

        // The training parameters are those of a run without an average, and the callbacks saw them.
        Assert.Equal(plain.Parameters.ToArray(), averaged.Parameters.ToArray());
        Assert.Equal(plain.Parameters.ToArray(), seen[^1]);
        Assert.Equal(averagedTrainer.State.TotalSteps, average.Updates);
        Assert.NotEqual(average.Values.ToArray(), averaged.Parameters.ToArray());

        // The epoch's test figures are the average's.
        using var copy = new IrisClassifier(maxBatchSize: 16, seed: 3);
        average.Values.CopyTo(copy.Parameters);
        int correct = copy.Evaluate(test.Inputs, test.Labels, test.Count, out float loss);
        Assert.Equal((double)loss, metrics[^1].TestLoss);
        Assert.Equal((double)correct / test.Count, metrics[^1].TestAccuracy);
        plain.Dispose();
        averaged.Dispose();
    }

    [Fact]
    public void Early_stopping_keeps_and_restores_the_best_epochs_average()
    {
        (Dataset train, Dataset test) = GeneralTrainerTests.Clusters(perClass: 40, seed: 7).Split(0.25, seed: 8);
        // Labels drawn at random: as the network fits the training set, this validation loss rises and stopping fires.
        var rng = new Rng(9);
        var noise = Dataset.Classification(test.Inputs, test.Labels!.Select(_ => rng.NextInt(3)).ToArray(), features: 4, classCount: 3);
        var average = new WeightAverage(IrisClassifier.ParameterCount, 0.8f);
        var stopping = new EarlyStopping(IrisClassifier.ParameterCount, patience: 2);
        (IrisClassifier net, Trainer trainer) = Make(train, test, average, stopping, noise);
        var averages = new List<float[]>();
        trainer.EpochCompleted = _ => averages.Add(average.Values.ToArray());
        TrainingResult result = trainer.Run(epochs: 200);

        Assert.Equal(TrainingStatus.EarlyStopped, result.Status);
        Assert.Equal(averages[stopping.BestEpoch - 1], net.Parameters.ToArray());
        net.Dispose();
    }

    [Fact]
    public void A_checkpoint_keeps_the_average_and_refuses_a_trainer_without_one_or_with_another_decay()
    {
        Dataset data = GeneralTrainerTests.Surface(300, seed: 13);
        (SmoothSurfaceNet Net, Trainer Trainer) Make(float? decay)
        {
            var net = new SmoothSurfaceNet(maxBatchSize: 20, seed: 14);
            return (net, new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount, 1e-2f), new BatchSampler(data, 20, new Rng(15)))
            {
                ValidationSet = data,
                Average = decay is float d ? new WeightAverage(SmoothSurfaceNet.ParameterCount, d) : null,
            });
        }

        using var folder = new TempDirectory();
        string path = folder.File("run.gnck");
        (SmoothSurfaceNet straight, Trainer straightTrainer) = Make(0.95f);
        straightTrainer.Run(epochs: 4);

        (SmoothSurfaceNet first, Trainer firstTrainer) = Make(0.95f);
        using (var stop = new CancellationTokenSource())
        {
            firstTrainer.StepCompleted = p => { if (p.TotalSteps == 37) stop.Cancel(); }; // mid-epoch
            Assert.Equal(TrainingStatus.Cancelled, firstTrainer.Run(4, stop.Token).Status);
        }
        Checkpoint.Save(firstTrainer, path);
        Checkpoint loaded = Checkpoint.Load(path);
        Assert.Equal(firstTrainer.Average!.Values.ToArray(), loaded.Average!.Value.Values);
        Assert.Equal(37, loaded.Average.Value.Updates);

        (SmoothSurfaceNet resumed, Trainer resumedTrainer) = Make(0.95f);
        Checkpoint.LoadInto(path, resumedTrainer);
        resumedTrainer.Run(epochs: 4);
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(straightTrainer.Average!.Values.ToArray(), resumedTrainer.Average!.Values.ToArray());
        Assert.Equal(straightTrainer.Average.Updates, resumedTrainer.Average.Updates);

        (SmoothSurfaceNet none, Trainer noneTrainer) = Make(null);
        Assert.Contains("holds a weight average (decay 0.949999988) but the trainer has none",
            Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(path, noneTrainer)).Message);
        (SmoothSurfaceNet other, Trainer otherTrainer) = Make(0.9f);
        Assert.Contains("has decay 0.949999988 but the trainer's has 0.899999976",
            Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(path, otherTrainer)).Message);
        Assert.Equal(0, otherTrainer.State.TotalSteps); // refused before anything changed
        Assert.Equal(0, otherTrainer.Average!.Updates);
        using (var wrongSize = new SmoothSurfaceNet(maxBatchSize: 20, seed: 14))
        {
            var wrongTrainer = new Trainer(wrongSize, new Adam(SmoothSurfaceNet.ParameterCount, 1e-2f), new BatchSampler(data, 20, new Rng(15)))
            {
                Average = new WeightAverage(SmoothSurfaceNet.ParameterCount + 1, 0.95f),
            };
            Assert.Contains("does not fit", Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(path, wrongTrainer)).Message);
            Assert.Equal(0, wrongTrainer.State.TotalSteps);
        }
        Checkpoint held = Checkpoint.Load(path);
        Checkpoint Holding(WeightAverageState average) => new()
        {
            Architecture = held.Architecture, ArchitectureHash = held.ArchitectureHash, Parameters = held.Parameters, OptimizerName = held.OptimizerName,
            LearningRate = held.LearningRate, OptimizerSteps = held.OptimizerSteps, OptimizerState = held.OptimizerState, Sampler = held.Sampler,
            Trainer = held.Trainer, Average = average,
        };
        foreach (WeightAverageState bad in (WeightAverageState[])[held.Average!.Value with { Values = held.Average.Value.Values[1..] },
            held.Average.Value with { Decay = 1f }, held.Average.Value with { Updates = held.Trainer.TotalSteps + 1 }])
        {
            Assert.Throws<ArgumentException>(() => Checkpoint.Save(Holding(bad), folder.File("bad.gnck")));
        }
        Assert.False(File.Exists(folder.File("bad.gnck")));

        Checkpoint.Save(noneTrainer, path);
        Assert.Null(Checkpoint.Load(path).Average);
        Assert.Contains("keeps a weight average (decay 0.949999988) but the checkpoint holds none",
            Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(path, Make(0.95f).Trainer)).Message);
        foreach (var net in new[] { straight, first, resumed, none, other })
        {
            net.Dispose();
        }
    }

    [Fact]
    public void A_version_1_checkpoint_without_the_average_field_still_loads()
    {
        Dataset data = GeneralTrainerTests.Surface(60, seed: 16);
        using var net = new SmoothSurfaceNet(maxBatchSize: 20, seed: 17);
        var trainer = new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(18)));
        trainer.Run(epochs: 1);
        Checkpoint checkpoint = Checkpoint.Capture(trainer, "meta");
        byte[] v2 = checkpoint.Serialize();

        // Version 1 is version 2 without the average's present byte, which sits before the metadata string.
        int presentByte = v2.Length - 4 - (4 + 4) - 1;
        Assert.Equal(0, v2[presentByte]);
        byte[] v1 = [.. v2.AsSpan(0, presentByte), .. v2.AsSpan(presentByte + 1, v2.Length - 4 - presentByte - 1), 0, 0, 0, 0];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(4), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(v1.Length - 4), Crc32.Compute(v1.AsSpan(0, v1.Length - 4)));
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.File("v1.gnck"), v1);

        Checkpoint old = Checkpoint.Load(folder.File("v1.gnck"));
        Assert.Null(old.Average);
        Assert.Equal("meta", old.Metadata);
        Assert.Equal(checkpoint.Parameters, old.Parameters);
        Assert.Equal(checkpoint.Trainer, old.Trainer);
    }

    [Fact]
    public void A_trainer_refuses_an_average_of_another_size()
    {
        Dataset data = GeneralTrainerTests.Surface(60, seed: 19);
        using var net = new SmoothSurfaceNet(maxBatchSize: 20, seed: 20);
        var trainer = new Trainer(net, new Adam(SmoothSurfaceNet.ParameterCount), new BatchSampler(data, 20, new Rng(21)))
        {
            Average = new WeightAverage(SmoothSurfaceNet.ParameterCount - 1, 0.9f),
        };
        Assert.Contains("Average was made for", Assert.Throws<InvalidOperationException>(() => trainer.Run(1)).Message);
        Assert.Equal(0, trainer.State.TotalSteps);
    }
}
