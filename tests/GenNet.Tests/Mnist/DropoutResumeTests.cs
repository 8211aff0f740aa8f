using GenNet.Data;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Training;

namespace GenNet.Tests.Mnist;

[Input(784)]
[Dense(32, Activation.ReLU)]
[Dropout(0.3f)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class DropoutMnistNet;

/// <summary>Checkpoints carry the dropout generator, so a resumed run draws the masks it would have drawn.</summary>
public class DropoutResumeTests
{
    [Fact]
    public void Interrupted_then_resumed_dropout_run_ends_bit_identical()
    {
        var rng = new Rng(3);
        var pixels = new float[300 * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextFloat();
        var labels = Enumerable.Range(0, 300).Select(_ => rng.NextInt(10)).ToArray();
        var data = new LabeledImages(pixels, labels, 28, 28);
        using var tmp = new TempDirectory();

        (DropoutMnistNet Net, Optimizer Optimizer, BatchSampler Sampler, Trainer Trainer) Make(ulong seed)
        {
            var net = new DropoutMnistNet(32, seed);
            var optimizer = Optimizers.Create("adam", DropoutMnistNet.ParameterCount);
            var sampler = new BatchSampler(data, 32, new Rng(seed + 1));
            return (net, optimizer, sampler, new Trainer(net, optimizer, sampler));
        }

        var straight = Make(1);
        Assert.Equal(TrainingStatus.Completed, straight.Trainer.Run(2).Status);

        var first = Make(1);
        using (var cts = new CancellationTokenSource())
        {
            first.Trainer.StepCompleted = p => { if (p.TotalSteps == 7) cts.Cancel(); };
            Assert.Equal(TrainingStatus.Cancelled, first.Trainer.Run(2, cts.Token).Status);
        }
        string path = tmp.File("dropout.gnck");
        Checkpoint.Save(Checkpoint.Capture(first.Trainer), path);
        Assert.NotNull(Checkpoint.Load(path).TrainingRng);

        var second = Make(42);
        Checkpoint.Load(path).RestoreInto(second.Trainer);
        Assert.Equal(TrainingStatus.Completed, second.Trainer.Run(2).Status);
        Assert.True(straight.Net.Parameters.SequenceEqual(second.Net.Parameters), "parameters differ");
    }
}
