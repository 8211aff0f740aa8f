using GenNet.Tests.Networks;

namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>Threaded dense kernels split over independent outputs only, so every thread count gives the same bits.</summary>
public class WorkerPoolTests
{
    // Layers big enough to be split (M·N·K ≥ 2¹⁸) at these batches: column-block splits (wide O) and row splits (narrow O), with tails.
    private static readonly (DenseLayer Layer, int Batch)[] s_cases =
    [
        (DenseLayer.MnistHidden, 128),
        (DenseLayer.MnistLogits, 600),
        (DenseLayer.Of<SplitWideNet.Layer3>(), 97),
        (DenseLayer.Of<SplitWideNet.Layer2>(), 31),
        (DenseLayer.Of<SplitWideNet.Layer1>(), 1),
        (DenseLayer.Of<SplitTallNet.Layer1>(), 1031),
    ];

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, s_cases.Length)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_two_and_three_threads_give_identical_bits(int index)
    {
        var (layer, batch) = s_cases[index];
        int inputs = layer.Inputs, outputs = layer.Outputs;
        float[] x = Uniform(batch * inputs, 1), w = Uniform(inputs * outputs, 2), bias = layer.HasBias ? Uniform(outputs, 3) : [];
        float[] dz = Uniform(batch * outputs, 4);

        (float[] Y, float[] Dw, float[] Db, float[] Dx) Run(WorkerPool? pool)
        {
            float[] y = Filled(batch * outputs, float.NaN), dx = Filled(batch * inputs, float.NaN);
            float[] dw = Filled(inputs * outputs, float.NaN), db = Filled(outputs, float.NaN);
            layer.Forward(y, x, w, bias, batch, pool);
            layer.BackwardParameters(dw, db, x, dz, batch, pool);
            if (layer.HasInputGradient)
            {
                layer.BackwardInput(dx, dz, w, x, batch, pool);
            }
            return (y, dw, db, dx);
        }

        var single = Run(null);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new WorkerPool(threads);
            for (int repeat = 0; repeat < 2; repeat++)
            {
                var threaded = Run(pool);
                Assert.True(BitIdentical(single.Y, threaded.Y), $"DenseForward {layer}, {threads} threads");
                Assert.True(BitIdentical(single.Dw, threaded.Dw), $"DenseBackwardParameters dw {layer}, {threads} threads");
                Assert.True(BitIdentical(single.Db, threaded.Db), $"DenseBackwardParameters db {layer}, {threads} threads");
                Assert.True(BitIdentical(single.Dx, threaded.Dx), $"DenseBackwardInput {layer}, {threads} threads");
            }
        }

        // And the threaded result is the right one, not just a consistent one.
        float[] expected = new float[batch * outputs];
        GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, batch, inputs, outputs, layer.Activation, layer.Alpha);
        AssertDenseClose(expected, single.Y, ForwardMagnitude(x, w, bias, batch, inputs, outputs), $"threaded DenseForward {layer}");
    }

    /// <summary>A one-row forward splits over the pool only when its non-zero inputs select enough of W; either way
    /// the bits are those of one thread.</summary>
    [Theory]
    [InlineData(0.95)] // ≈ 205 non-zero of 4099: 62k floats of W to read, below the split threshold
    [InlineData(0.30)] // ≈ 2870 non-zero: 864k floats, split
    [InlineData(0.0)]
    public void One_row_forward_gives_the_same_bits_whether_or_not_its_sparsity_lets_it_split(double zeroShare)
    {
        // The decision itself: the one-row path splits by the floats of W its non-zero inputs select.
        Assert.Equal(1, GenNet.Kernels.PartsFor(1, 301, 4099, oneRowPath: true, floatsOfBPerRow: 301L * 205, threads: 2));
        Assert.Equal(2, GenNet.Kernels.PartsFor(1, 301, 4099, oneRowPath: true, floatsOfBPerRow: 301L * 2870, threads: 2));
        Assert.Equal(1, GenNet.Kernels.PartsFor(1, 512, 784, oneRowPath: true, floatsOfBPerRow: 512L * 151, threads: 2)); // a typical MNIST image
        Assert.Equal(2, GenNet.Kernels.PartsFor(1, 512, 784, oneRowPath: true, floatsOfBPerRow: 512L * 784, threads: 2)); // dense input
        Assert.Equal(2, GenNet.Kernels.PartsFor(128, 512, 10, oneRowPath: false, floatsOfBPerRow: 0, threads: 2)); // layer 2's dX
        Assert.Equal(1, GenNet.Kernels.PartsFor(8, 16, 16, oneRowPath: false, floatsOfBPerRow: 0, threads: 2));

        const int inputs = 4099, outputs = 301;
        float[] x = Uniform(inputs, 11), w = Uniform(inputs * outputs, 12), bias = Uniform(outputs, 13);
        var random = new Random(14);
        for (int k = 0; k < inputs; k++)
        {
            if (random.NextDouble() < zeroShare)
            {
                x[k] = 0f;
            }
        }
        DenseLayer layer = DenseLayer.Of<SplitWideNet.Layer1>(); // 4099 → 301, ReLU
        float[] single = new float[outputs];
        layer.Forward(single, x, w, bias, 1, null);
        foreach (int threads in new[] { 2, 3 })
        {
            using var pool = new WorkerPool(threads);
            float[] threaded = Filled(outputs, float.NaN);
            layer.Forward(threaded, x, w, bias, 1, pool);
            Assert.True(BitIdentical(single, threaded), $"{threads} threads, {zeroShare:P0} zeros");
        }
        float[] expected = new float[outputs];
        GenNet.Kernels.Reference.DenseForward(expected, x, w, bias, 1, inputs, outputs, Activation.ReLU, 0f);
        AssertDenseClose(expected, single, ForwardMagnitude(x, w, bias, 1, inputs, outputs), "one-row forward");
    }

    /// <summary>A product splits by columns unless splitting by rows leaves the busiest part fewer tiles; the bits are
    /// the same either way (the cases above cover both: SplitWideNet's layers 2 and 3 split by rows on 2 threads).</summary>
    [Fact]
    public void Split_goes_by_rows_when_column_blocks_divide_unevenly()
    {
        // NarrowMlp's 800×100 products with 6×16 tiles: 134 row blocks, 7 column blocks; columns would give 4 × 134 tiles.
        Assert.False(GenNet.Kernels.SplitsColumns(rowBlocks: 134, colBlocks: 7, parts: 2));
        Assert.False(GenNet.Kernels.SplitsColumns(rowBlocks: 17, colBlocks: 3, parts: 2));
        // MnistMlp's 128×512 forward (22 × 32 blocks of 6×16, 16 × 16 of 8×32) and 784×512 weight gradient: a tie keeps columns.
        Assert.True(GenNet.Kernels.SplitsColumns(rowBlocks: 22, colBlocks: 32, parts: 2));
        Assert.True(GenNet.Kernels.SplitsColumns(rowBlocks: 16, colBlocks: 16, parts: 2));
        Assert.True(GenNet.Kernels.SplitsColumns(rowBlocks: 131, colBlocks: 32, parts: 2));
        // Fewer column blocks than parts always split rows.
        Assert.False(GenNet.Kernels.SplitsColumns(rowBlocks: 100, colBlocks: 1, parts: 2));
    }

    [Fact]
    public void Pool_rejects_fewer_than_one_thread_and_use_after_dispose()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
        var pool = new WorkerPool(2);
        Assert.Equal(2, pool.ThreadCount);
        pool.Dispose();
        pool.Dispose();
        float[] x = new float[128 * 784], w = new float[784 * 512], y = new float[128 * 512];
        float[] bias = new float[512];
        Assert.Throws<ObjectDisposedException>(() => DenseLayer.MnistHidden.Forward(y, x, w, bias, 128, pool));
    }
}
