using GenNet.Data;
using GenNet.Serialization;
using GenNet.Training;

namespace GenNet.Tests.Training;

/// <summary><see cref="RandomShift"/>: the move itself against a per-pixel definition, its hash, and the trainer's use of it.</summary>
public class RandomShiftTests
{
    [Theory]
    [InlineData(3, 13, 7, 2, -3)]
    [InlineData(3, 13, 7, -4, 6)]
    [InlineData(1, 28, 28, 1, 1)]
    [InlineData(2, 5, 9, 0, -8)]
    [InlineData(1, 6, 6, -5, 0)]
    [InlineData(1, 4, 4, 0, 0)]
    public void A_shift_moves_every_pixel_and_fills_with_zeros(int channels, int height, int width, int rows, int columns)
    {
        var shape = new TensorShape(channels, height, width);
        var rng = new Rng(1);
        float[] source = Enumerable.Range(0, shape.Size).Select(_ => rng.NextFloat() + 0.5f).ToArray();
        var destination = Enumerable.Repeat(float.NaN, shape.Size).ToArray();

        RandomShift.Shift(source, destination, shape, rows, columns);

        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int sy = y - rows, sx = x - columns;
                    float expected = sy >= 0 && sy < height && sx >= 0 && sx < width ? source[(c * height + sy) * width + sx] : 0f;
                    Assert.Equal(expected, destination[(c * height + y) * width + x]);
                }
            }
        }
    }

    [Fact]
    public void Shifts_depend_on_seed_epoch_and_position_only_and_cover_every_offset()
    {
        var shift = new RandomShift(new TensorShape(1, 28, 28), maxShift: 2, seed: 7, maxBatchSize: 4);
        var again = new RandomShift(new TensorShape(1, 28, 28), maxShift: 2, seed: 7, maxBatchSize: 1);
        var counts = new int[5, 5];
        for (int position = 0; position < 25_000; position++)
        {
            (int rows, int columns) = shift.ShiftOf(epoch: 3, position);
            Assert.Equal((rows, columns), again.ShiftOf(3, position));
            counts[rows + 2, columns + 2]++;
        }
        // 25 offsets, 1,000 expected each: a fair draw stays within ±15% (more than 4 standard deviations).
        foreach (int count in counts)
        {
            Assert.InRange(count, 850, 1150);
        }
        int moved = Enumerable.Range(0, 1000).Count(p => shift.ShiftOf(4, p) != shift.ShiftOf(3, p));
        Assert.InRange(moved, 900, 1000);
        var otherSeed = new RandomShift(new TensorShape(1, 28, 28), 2, seed: 8, maxBatchSize: 1);
        Assert.InRange(Enumerable.Range(0, 1000).Count(p => otherSeed.ShiftOf(3, p) != shift.ShiftOf(3, p)), 900, 1000);
    }

    [Fact]
    public void A_batch_is_each_sample_shifted_by_its_own_offset()
    {
        var shape = new TensorShape(2, 5, 6);
        var shift = new RandomShift(shape, maxShift: 3, seed: 11, maxBatchSize: 8);
        var rng = new Rng(2);
        float[] batch = Enumerable.Range(0, 5 * shape.Size).Select(_ => rng.NextFloat()).ToArray();
        float[] shifted = shift.Apply(batch, 5, epoch: 2, firstPosition: 40).ToArray();
        for (int s = 0; s < 5; s++)
        {
            (int rows, int columns) = shift.ShiftOf(2, 40 + s);
            var expected = new float[shape.Size];
            RandomShift.Shift(batch.AsSpan(s * shape.Size, shape.Size), expected, shape, rows, columns);
            Assert.Equal(expected, shifted.AsSpan(s * shape.Size, shape.Size).ToArray());
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_reason()
    {
        var shape = new TensorShape(1, 8, 10);
        Assert.Contains("smaller than the 8×10 image", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(shape, 8, 1, 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(shape, 0, 1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(shape, 2, 1, 0));
        var shift = new RandomShift(shape, 2, 1, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => shift.Apply(new float[5 * 80], 5, 1, 0));
        Assert.Contains("are not 2 samples", Assert.Throws<ArgumentException>(() => shift.Apply(new float[150], 2, 1, 0)).Message);
    }

    /// <summary>Tiny 1×6×6 images of two classes: a bar in the top half or the bottom half.</summary>
    private static Dataset Bars(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var inputs = new float[count * 36];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            int row = labels[i] == 0 ? rng.NextInt(2) : 4 + rng.NextInt(2);
            for (int x = 0; x < 6; x++)
            {
                inputs[i * 36 + row * 6 + x] = 0.5f + 0.5f * rng.NextFloat();
            }
        }
        return Dataset.Classification(inputs, labels, features: 36, classCount: 2, sampleShape: new TensorShape(1, 6, 6));
    }

    private static (TinyImageNet Net, Trainer Trainer) Make(Dataset data)
    {
        var net = new TinyImageNet(maxBatchSize: 16, seed: 3);
        var trainer = new Trainer(net, new Adam(TinyImageNet.ParameterCount, 0.01f), new BatchSampler(data, 16, new Rng(4)))
        {
            Shift = new RandomShift(new TensorShape(1, 6, 6), maxShift: 1, seed: 5, maxBatchSize: 16),
        };
        return (net, trainer);
    }

    [Fact]
    public void A_shifted_run_trains_allocates_nothing_after_its_first_epoch_and_resumes_bit_exactly()
    {
        Dataset data = Bars(96, seed: 1);
        (TinyImageNet straight, Trainer straightTrainer) = Make(data);
        straightTrainer.Run(epochs: 2);
        Assert.Equal(0, Allocations.LeastOfTrainerRuns(straightTrainer, epochsPerRun: 4));
        int epochs = straightTrainer.State.EpochsCompleted; // 6, or more if the runtime disturbed a measured run
        Assert.True(straight.Evaluate(data.Inputs, data.Labels, data.Count) >= 90, "the shifted bars were not learned");

        using var folder = new Data.TempDirectory();
        string path = folder.File("shift.gnck");
        (TinyImageNet first, Trainer firstTrainer) = Make(data);
        firstTrainer.Run(epochs: 3);
        Checkpoint.Save(firstTrainer, path);
        (TinyImageNet resumed, Trainer resumedTrainer) = Make(data);
        Checkpoint.LoadInto(path, resumedTrainer);
        resumedTrainer.Run(epochs);
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());

        // The shifts do change the run: without them the parameters differ.
        using var plain = new TinyImageNet(maxBatchSize: 16, seed: 3);
        new Trainer(plain, new Adam(TinyImageNet.ParameterCount, 0.01f), new BatchSampler(data, 16, new Rng(4))).Run(epochs);
        Assert.NotEqual(straight.Parameters.ToArray(), plain.Parameters.ToArray());
        foreach (TinyImageNet net in new[] { straight, first, resumed })
        {
            net.Dispose();
        }
    }

    [Fact]
    public void A_checkpoint_taken_mid_epoch_from_a_step_callback_resumes_the_shifted_run_bit_exactly()
    {
        Dataset data = Bars(100, seed: 3); // 7 batches an epoch, the last one short
        (TinyImageNet straight, Trainer straightTrainer) = Make(data);
        straightTrainer.Run(epochs: 4);

        using var folder = new Data.TempDirectory();
        string path = folder.File("mid.gnck");
        (TinyImageNet first, Trainer firstTrainer) = Make(data);
        firstTrainer.StepCompleted = p =>
        {
            if (p.Epoch == 2 && p.Step == 3)
            {
                Checkpoint.Save(firstTrainer, path);
            }
        };
        firstTrainer.Run(epochs: 4);
        (TinyImageNet resumed, Trainer resumedTrainer) = Make(data);
        Checkpoint.LoadInto(path, resumedTrainer);
        Assert.Equal((1, 3), (resumedTrainer.State.EpochsCompleted, resumedTrainer.State.StepInEpoch));
        resumedTrainer.Run(epochs: 4);

        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(straight.Parameters.ToArray(), first.Parameters.ToArray());
        foreach (TinyImageNet net in new[] { straight, first, resumed })
        {
            net.Dispose();
        }
    }

    [Fact]
    public void A_shift_for_other_images_or_smaller_batches_is_refused()
    {
        Dataset data = Bars(32, seed: 2);
        using var net = new TinyImageNet(maxBatchSize: 16, seed: 3);
        var sampler = new BatchSampler(data, 16, new Rng(4));
        var wrongShape = new Trainer(net, new Adam(TinyImageNet.ParameterCount), sampler) { Shift = new RandomShift(new TensorShape(1, 9, 4), 1, 1, 16) };
        Assert.Contains("samples of 1×9×4; the sampler gives batches of 16 samples of 1×6×6", Assert.Throws<InvalidOperationException>(() => wrongShape.Run(1)).Message);
        var smallBatch = new Trainer(net, new Adam(TinyImageNet.ParameterCount), sampler) { Shift = new RandomShift(new TensorShape(1, 6, 6), 1, 1, 8) };
        Assert.Throws<InvalidOperationException>(() => smallBatch.Run(1));
    }
}

[Input(1, 6, 6)]
[Conv2D(4, kernel: 3, activation: Activation.ReLU)]
[Dense(2)]
[SoftmaxCrossEntropy]
public partial class TinyImageNet;
