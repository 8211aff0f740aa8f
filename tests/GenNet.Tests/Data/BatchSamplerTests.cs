using GenNet.Data;

namespace GenNet.Tests.Data;

public class BatchSamplerTests
{
    /// <summary>Sample i has every pixel equal to i and label i % 10, so a batch tells which samples it holds.</summary>
    private static LabeledImages Numbered(int count, int features = 3)
    {
        var pixels = new float[count * features];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i / features;
        }
        return new LabeledImages(pixels, Enumerable.Range(0, count).Select(i => i % 10).ToArray(), 1, features);
    }

    private static List<int[]> Epoch(BatchSampler sampler, int features = 3)
    {
        var batches = new List<int[]>();
        while (sampler.TryNextBatch(out var inputs, out var labels, out int count))
        {
            Assert.Equal(count * features, inputs.Length);
            Assert.Equal(count, labels.Length);
            var ids = new int[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = (int)inputs[i * features];
                Assert.Equal(ids[i], (int)inputs[i * features + features - 1]);
                Assert.Equal(ids[i] % 10, labels[i]);
            }
            batches.Add(ids);
        }
        return batches;
    }

    [Fact]
    public void Every_sample_appears_once_per_epoch_and_the_last_batch_is_partial()
    {
        var sampler = new BatchSampler(Numbered(23), batchSize: 5, new Rng(1));
        Assert.Equal(5, sampler.BatchesPerEpoch);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            List<int[]> batches = Epoch(sampler);
            Assert.Equal([5, 5, 5, 5, 3], batches.Select(b => b.Length));
            Assert.Equal(Enumerable.Range(0, 23), batches.SelectMany(b => b).Order());
            Assert.Equal(epoch, sampler.Epoch);
        }
    }

    [Fact]
    public void Epochs_are_shuffled_differently()
    {
        var sampler = new BatchSampler(Numbered(100), 100, new Rng(2));
        int[] first = Epoch(sampler)[0];
        int[] second = Epoch(sampler)[0];
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 100), first);
    }

    [Fact]
    public void DropLast_skips_the_partial_batch()
    {
        var sampler = new BatchSampler(Numbered(23), 5, new Rng(1), dropLast: true);
        Assert.Equal(4, sampler.BatchesPerEpoch);
        Assert.Equal([5, 5, 5, 5], Epoch(sampler).Select(b => b.Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchSampler(Numbered(3), 5, new Rng(1), dropLast: true));
    }

    [Fact]
    public void Same_seed_gives_the_same_order()
    {
        var a = new BatchSampler(Numbered(50), 7, new Rng(42));
        var b = new BatchSampler(Numbered(50), 7, new Rng(42));
        var c = new BatchSampler(Numbered(50), 7, new Rng(43));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var ea = Epoch(a).SelectMany(x => x).ToArray();
            Assert.Equal(ea, Epoch(b).SelectMany(x => x));
            Assert.NotEqual(ea, Epoch(c).SelectMany(x => x));
        }
    }

    /// <summary>
    /// The gather prefetches rows ahead by whole cache lines, so check it against a plain copy on row lengths that
    /// are no multiple of a line (7 and 33 floats), odd counts, a last short batch, and batches shorter than the
    /// prefetch distance.
    /// </summary>
    [Theory]
    [InlineData(7, 101, 10, false)]
    [InlineData(33, 37, 6, false)]
    [InlineData(33, 37, 6, true)]
    [InlineData(7, 9, 2, false)]
    [InlineData(33, 5, 1, false)]
    [InlineData(7, 11, 64, false)]
    [InlineData(784, 21, 8, false)]
    [InlineData(784, 301, 64, false, 2)] // 64 × 784 floats: the copy splits over the pool
    [InlineData(784, 301, 64, false, 3)]
    [InlineData(513, 97, 40, true, 2)]
    [InlineData(7, 101, 10, false, 2)] // too small to split: runs on the caller
    public void Batches_equal_a_plain_copy_of_the_rows_in_Order(int features, int count, int batchSize, bool dropLast, int threads = 1)
    {
        using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
        var rng = new Rng(5);
        var pixels = new float[count * features];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = rng.NextGaussian();
        }
        int[] classes = Enumerable.Range(0, count).Select(_ => rng.NextInt(10)).ToArray();
        var data = new LabeledImages(pixels, classes, 1, features);
        var sampler = new BatchSampler(data, batchSize, new Rng(6), dropLast);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            int batches = 0;
            while (sampler.TryNextBatch(out var inputs, out var labels, out int n, pool))
            {
                ReadOnlySpan<int> rows = sampler.Order.Slice(sampler.Position - n, n);
                var expected = new float[n * features];
                for (int i = 0; i < n; i++)
                {
                    Array.Copy(pixels, rows[i] * features, expected, i * features, features);
                    Assert.Equal(classes[rows[i]], labels[i]);
                }
                Assert.True(inputs.SequenceEqual(expected));
                batches++;
            }
            Assert.Equal(sampler.BatchesPerEpoch, batches);
        }
    }

    [Fact]
    public void A_disposed_pool_is_refused_before_the_sampler_moves()
    {
        var sampler = new BatchSampler(Numbered(100, features: 784), 32, new Rng(3));
        var pool = new WorkerPool(2);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sampler.TryNextBatch(out _, out _, out _, pool));
        Assert.Equal(0, sampler.Position);
        Assert.True(sampler.TryNextBatch(out _, out _, out int count));
        Assert.Equal(32, count);
    }

    [Fact]
    public void An_epoch_allocates_nothing()
    {
        var sampler = new BatchSampler(Numbered(1000, features: 16), 32, new Rng(3));
        float checksum = 0;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            while (sampler.TryNextBatch(out var inputs, out var labels, out int count))
            {
                checksum += inputs[0] + labels[count - 1];
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (epoch > 0) // the first epoch may pay for JIT and static initialisation
            {
                Assert.Equal(0, allocated);
            }
        }
        Assert.True(checksum > 0);
    }

    [Fact]
    public void Restored_state_continues_mid_epoch_and_across_epochs()
    {
        var original = new BatchSampler(Numbered(40), 6, new Rng(9));
        Epoch(original);
        original.TryNextBatch(out _, out _, out _);
        original.TryNextBatch(out _, out _, out _);
        SamplerState midEpoch = original.GetState();
        Assert.Equal((2, 12, true), (midEpoch.Epoch, midEpoch.Position, midEpoch.InEpoch));

        var rest = Epoch(original).SelectMany(x => x).ToArray();
        SamplerState betweenEpochs = original.GetState();
        var next = Epoch(original).SelectMany(x => x).ToArray();

        var resumed = new BatchSampler(Numbered(40), 6, new Rng(12345));
        resumed.Restore(midEpoch);
        Assert.Equal(original.Count, resumed.Count);
        Assert.Equal(rest, Epoch(resumed).SelectMany(x => x));
        Assert.Equal(next, Epoch(resumed).SelectMany(x => x));

        var resumed2 = new BatchSampler(Numbered(40), 6, new Rng(777));
        resumed2.Restore(betweenEpochs);
        Assert.Equal(next, Epoch(resumed2).SelectMany(x => x));
        Assert.Equal(3, resumed2.Epoch);
    }
}
