using GenNet.Data;
using GenNet.Models;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Training;

namespace GenNet.Tests.Mnist;

/// <summary>The runtime Trainer on synthetic 28×28 data: resume bit-identity, zero allocation, non-finite stop, checkpoints.</summary>
[Collection(HeavyTrainingCollection.Name)]
public class TrainerTests
{
    private const int Samples = 500, Batch = 32, Epochs = 3; // 16 steps per epoch, the last of 20 samples

    /// <summary>Noisy class prototypes: learnable, and cheap to make.</summary>
    private static (LabeledImages Train, LabeledImages Test) SyntheticData()
    {
        var rng = new Rng(77);
        var prototypes = new float[10 * 784];
        for (int i = 0; i < prototypes.Length; i++) prototypes[i] = rng.NextFloat() < 0.2f ? 1f : 0f;
        LabeledImages Make(int count)
        {
            var pixels = new float[count * 784];
            var labels = new int[count];
            for (int s = 0; s < count; s++)
            {
                labels[s] = rng.NextInt(10);
                for (int f = 0; f < 784; f++)
                {
                    pixels[s * 784 + f] = Math.Clamp(prototypes[labels[s] * 784 + f] + 0.3f * rng.NextGaussian(), 0f, 1f);
                }
            }
            return new LabeledImages(pixels, labels, 28, 28);
        }
        return (Make(Samples), Make(200));
    }

    private sealed class Run : IDisposable
    {
        public Run(LabeledImages train, LabeledImages test, string optimizerName, ulong seed = 5, int threads = 1, float? lr = null)
        {
            Network = new MnistMlp(Batch, seed, threads);
            OptimizerName = optimizerName;
            Optimizer = Optimizers.Create(optimizerName, MnistMlp.ParameterCount, lr);
            Sampler = new BatchSampler(train, Batch, new Rng(seed + 100));
            Trainer = new Trainer(Network, Optimizer, Sampler) { TestSet = test, AccuracySet = train, Schedule = new StepDecaySchedule(1e-3f, Sampler.BatchesPerEpoch, 0.7f) };
            if (optimizerName is "sgd" or "momentum" or "nesterov")
            {
                Trainer = new Trainer(Network, Optimizer, Sampler) { TestSet = test, AccuracySet = train };
            }
        }

        public MnistMlp Network { get; }
        public string OptimizerName { get; }
        public Optimizer Optimizer { get; }
        public BatchSampler Sampler { get; }
        public Trainer Trainer { get; }
        public List<EpochMetrics> Epochs { get; } = [];

        public void Dispose() => Network.Dispose();
    }

    [Theory]
    [InlineData("rmsprop", 5)]
    [InlineData("rmsprop", 16)] // the epoch's last step: the sampler has not yet said the epoch is over
    [InlineData("rmsprop", 17)] // the next epoch's first step
    [InlineData("adam", 1)]
    [InlineData("adam", 30)]
    [InlineData("momentum", 40)]
    public void Interrupted_then_resumed_from_a_checkpoint_file_ends_bit_identical(string optimizer, int interruptAfter)
    {
        var (train, test) = SyntheticData();
        using var tmp = new TempDirectory();

        using var straight = new Run(train, test, optimizer);
        straight.Trainer.EpochCompleted = straight.Epochs.Add;
        Assert.Equal(TrainingStatus.Completed, straight.Trainer.Run(Epochs).Status);

        // First half: stop after `interruptAfter` steps, as Ctrl+C would, and checkpoint to a file.
        string path = tmp.File("run.gnck");
        var firstEpochs = new List<EpochMetrics>();
        using (var first = new Run(train, test, optimizer))
        using (var cts = new CancellationTokenSource())
        {
            first.Trainer.EpochCompleted = firstEpochs.Add;
            first.Trainer.StepCompleted = p => { if (p.TotalSteps == interruptAfter) cts.Cancel(); };
            TrainingResult stopped = first.Trainer.Run(Epochs, cts.Token);
            Assert.Equal(TrainingStatus.Cancelled, stopped.Status);
            Assert.Equal(interruptAfter, first.Trainer.State.TotalSteps);
            Checkpoint.Save(Checkpoint.Capture(first.Trainer, "meta"), path);
        }

        // Second half: fresh objects (another seed, another thread count: the checkpoint must override both).
        using var second = new Run(train, test, optimizer, seed: 999, threads: 2);
        Checkpoint loaded = Checkpoint.Load(path);
        Assert.Equal("meta", loaded.Metadata);
        second.Sampler.Restore(default(SamplerState) with { Rng = new Rng(1).Save() }); // disturb it first
        loaded.RestoreInto(second.Trainer);
        second.Trainer.EpochCompleted = second.Epochs.Add;
        Assert.Equal(TrainingStatus.Completed, second.Trainer.Run(Epochs).Status);

        Assert.True(straight.Network.Parameters.SequenceEqual(second.Network.Parameters), "parameters differ");
        Assert.True(straight.Optimizer.State.SequenceEqual(second.Optimizer.State), "optimizer state differs");
        Assert.Equal(straight.Optimizer.Steps, second.Optimizer.Steps);
        // The epoch metrics agree too (time aside): the running loss survived the interruption.
        var resumedEpochs = firstEpochs.Concat(second.Epochs).ToList();
        Assert.Equal(Epochs, straight.Epochs.Count);
        Assert.Equal(straight.Epochs.Count, resumedEpochs.Count);
        for (int i = 0; i < resumedEpochs.Count; i++)
        {
            Assert.Equal(straight.Epochs[i] with { Seconds = 0, SamplesPerSecond = 0, AllocatedBytes = 0 }, resumedEpochs[i] with { Seconds = 0, SamplesPerSecond = 0, AllocatedBytes = 0 });
        }
    }

    [Fact]
    public void A_warm_training_loop_allocates_nothing()
    {
        var (train, test) = SyntheticData();
        using var run = new Run(train, test, "rmsprop");
        long steps = 0;
        run.Trainer.StepCompleted = _ => steps++;
        run.Trainer.Run(1); // first calls: JIT and type loading allocate once
        long callbackBytes = 0;
        Assert.Equal(0, Allocations.LeastOfTrainerRuns(run.Trainer, Epochs - 1, _ => callbackBytes += run.Trainer.CallbackAllocatedBytes));
        Assert.True(steps >= 3L * 16, $"{steps} steps");
        Assert.Equal(0, callbackBytes);
    }

    [Fact]
    public void A_huge_learning_rate_stops_with_NonFinite_naming_epoch_and_step()
    {
        var (train, test) = SyntheticData();
        using var run = new Run(train, test, "sgd", lr: 1e30f);
        TrainingResult result = run.Trainer.Run(Epochs);
        Assert.Equal(TrainingStatus.NonFinite, result.Status);
        Assert.Equal(1, result.Epoch);
        Assert.InRange(result.Step, 1, 16);
        Assert.Contains($"epoch 1, step {result.Step}", result.Message);
    }

    [Fact]
    public void Non_finite_parameters_are_caught_at_the_end_of_the_epoch()
    {
        var (train, test) = SyntheticData();
        using var run = new Run(train, test, "sgd");
        // Poisoned after the epoch's last step: no later loss sees it, only the end-of-epoch parameter check can.
        var network = run.Network;
        run.Trainer.StepCompleted = p => { if (p.Step == p.StepsPerEpoch) network.Parameters[0] = float.PositiveInfinity; };
        TrainingResult result = run.Trainer.Run(1);
        Assert.Equal(TrainingStatus.NonFinite, result.Status);
        Assert.Contains("parameter 0 is ∞ at the end of epoch 1", result.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void Damaged_truncated_or_foreign_checkpoints_are_rejected_with_the_file_name()
    {
        var (train, test) = SyntheticData();
        using var tmp = new TempDirectory();
        using var run = new Run(train, test, "adam");
        run.Trainer.Run(1);
        string path = tmp.File("good.gnck");
        Checkpoint.Save(Checkpoint.Capture(run.Trainer), path);
        byte[] good = File.ReadAllBytes(path);
        Assert.DoesNotContain(tmp.Names(), n => n.Contains(".tmp-", StringComparison.Ordinal));

        byte[] flipped = (byte[])good.Clone();
        flipped[1000] ^= 1;
        File.WriteAllBytes(tmp.File("flipped.gnck"), flipped);
        Assert.Contains("flipped.gnck: damaged or truncated: checksum mismatch", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(tmp.File("flipped.gnck"))).Message);

        File.WriteAllBytes(tmp.File("short.gnck"), good.AsSpan(0, good.Length - 100).ToArray());
        Assert.Contains("short.gnck: damaged or truncated", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(tmp.File("short.gnck"))).Message);

        File.WriteAllBytes(tmp.File("model.gnck"), "GNNM...."u8.ToArray());
        Assert.Contains("not a GenNet checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(tmp.File("model.gnck"))).Message);

        byte[] version = (byte[])good.Clone();
        version[4] = 9;
        File.WriteAllBytes(tmp.File("v9.gnck"), version);
        Assert.Contains("unsupported checkpoint version 9", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(tmp.File("v9.gnck"))).Message);

        // A checkpoint of another optimizer's state size does not fit, and nothing is changed.
        using var other = new Run(train, test, "rmsprop");
        float before = other.Network.Parameters[0];
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path).RestoreInto(other.Trainer));
        Assert.Equal(before, other.Network.Parameters[0]);
    }

    [Fact]
    public void Save_then_load_gives_identical_predictions()
    {
        var (train, test) = SyntheticData();
        using var tmp = new TempDirectory();
        using var run = new Run(train, test, "adam");
        run.Trainer.Run(2);
        ModelFile.Save(run.Network, tmp.File("m.gnet"));
        using var loaded = new MnistMlp(7, seed: 12345);
        ModelFile.Load(loaded, tmp.File("m.gnet"));
        var expected = new float[test.Count * 10];
        var actual = new float[test.Count * 10];
        run.Network.Predict(test.Pixels, expected, test.Count);
        loaded.Predict(test.Pixels, actual, test.Count);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "predictions differ");
        var confusion = ConfusionMatrix.Compute(loaded, test.Pixels, test.Labels, test.Count);
        Assert.Equal(run.Network.Evaluate(test.Pixels, test.Labels, test.Count), confusion.Correct);
        Assert.Equal(test.Count, confusion.Total);
    }
}
