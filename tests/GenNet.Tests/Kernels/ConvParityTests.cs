using static GenNet.Tests.Kernels.KernelTestData;

namespace GenNet.Tests.Kernels;

/// <summary>
/// The convolution kernels against their scalar twins (global::GenNet.Kernels.Reference) on odd geometries, on whatever instruction set
/// this process runs (.ci/run reruns these with AVX-512, AVX2 and all intrinsics off), and for 1, 2 and 3 threads.
/// </summary>
public class ConvParityTests
{
    /// <summary>(C, H, W, F, KH, KW, stride, same padding): tails of every vector width along a row, strides 1–3,
    /// even and odd kernels, 1×1 kernels, kernels as large as the image, non-square everything.</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool> Geometries => new()
    {
        { 1, 28, 28, 3, 3, 3, 1, false },
        { 3, 13, 7, 4, 3, 3, 2, true },
        { 2, 9, 17, 5, 2, 3, 1, true },
        { 4, 6, 33, 2, 1, 1, 1, false },
        { 2, 11, 11, 3, 5, 5, 1, true },
        { 1, 5, 4, 2, 5, 4, 1, false },
        { 3, 10, 19, 2, 4, 2, 3, true },
        { 2, 8, 8, 3, 3, 3, 2, false },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_and_input_gradient_equal_the_twin_bit_for_bit_and_the_weight_gradient_within_rounding(
        int c, int h, int w, int f, int kh, int kw, int stride, bool same)
    {
        Conv2DGeometry g = Geometry(c, h, w, f, kh, kw, stride, same);
        const int batch = 3;
        float[] x = Uniform(batch * g.InputSize, 1), weights = Uniform(g.WeightCount, 2), bias = Uniform(f, 3);
        float[] dz = Uniform(batch * g.OutputSize, 4);

        var expectedY = new float[batch * g.OutputSize];
        global::GenNet.Kernels.Reference.Conv2DForward(expectedY, x, weights, bias, batch, g, Activation.LeakyReLU, 0.2f);
        var expectedDx = new float[batch * g.InputSize];
        global::GenNet.Kernels.Reference.Conv2DBackwardInput(expectedDx, dz, weights, batch, g);
        var expectedDw = new float[g.WeightCount];
        var expectedDb = new float[f];
        global::GenNet.Kernels.Reference.Conv2DBackwardParameters(expectedDw, expectedDb, x, dz, batch, g);
        // Σ|terms| of each weight-gradient sum: the twin on |x| and |dz|.
        var magnitudeW = new float[g.WeightCount];
        var magnitudeB = new float[f];
        global::GenNet.Kernels.Reference.Conv2DBackwardParameters(magnitudeW, magnitudeB, x.Select(Math.Abs).ToArray(), dz.Select(Math.Abs).ToArray(), batch, g);

        foreach (int threads in new[] { 1, 2, 3 })
        {
            using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
            string context = $"{g} on {PathDescription}, {threads} thread(s)";
            var y = Filled(batch * g.OutputSize, float.NaN);
            global::GenNet.Kernels.Conv2DForward(y, x, weights, bias, batch, g, Activation.LeakyReLU, 0.2f, pool);
            Assert.True(BitIdentical(expectedY, y), "forward: " + context);

            var dx = Filled(batch * g.InputSize, float.NaN);
            global::GenNet.Kernels.Conv2DBackwardInput(dx, dz, weights, batch, g, pool);
            Assert.True(BitIdentical(expectedDx, dx), "input gradient: " + context);

            var dw = Filled(g.WeightCount, float.NaN);
            var db = Filled(f, float.NaN);
            global::GenNet.Kernels.Conv2DBackwardParameters(dw, db, x, dz, batch, g, pool);
            AssertDenseClose(expectedDw, dw, magnitudeW.Select(m => (double)m).ToArray(), "weight gradient: " + context);
            AssertDenseClose(expectedDb, db, magnitudeB.Select(m => (double)m).ToArray(), "bias gradient: " + context);
        }
    }

    [Fact]
    public void Weight_gradient_is_the_same_bits_for_every_thread_count()
    {
        Conv2DGeometry g = Geometry(3, 12, 10, 7, 3, 3, 1, true);
        float[] x = Uniform(5 * g.InputSize, 5), dz = Uniform(5 * g.OutputSize, 6);
        var single = new float[g.WeightCount];
        var singleBias = new float[7];
        global::GenNet.Kernels.Conv2DBackwardParameters(single, singleBias, x, dz, 5, g);
        foreach (int threads in new[] { 2, 3, 4 })
        {
            using var pool = new WorkerPool(threads);
            var dw = new float[g.WeightCount];
            var db = new float[7];
            global::GenNet.Kernels.Conv2DBackwardParameters(dw, db, x, dz, 5, g, pool);
            Assert.True(BitIdentical(single, dw) && BitIdentical(singleBias, db), $"{threads} threads");
        }
    }

    [Fact]
    public void Pooling_kernels_match_hand_computed_windows()
    {
        // One 1×3×4 plane: rows 1 2 3 4 / 8 7 6 5 / 0 9 9 0.
        float[] x = [1, 2, 3, 4, 8, 7, 6, 5, 0, 9, 9, 0];
        var overlapping = new Pool2DGeometry(1, 3, 4, 2, 1, 2, 3);
        var max = new float[6];
        global::GenNet.Kernels.MaxPool2DForward(max, x, 1, overlapping);
        Assert.Equal([8, 7, 6, 9, 9, 9], max);
        var dx = Filled(12, float.NaN);
        global::GenNet.Kernels.MaxPool2DBackward(dx, [1, 1, 1, 1, 1, 1], x, 1, overlapping);
        // Top windows: 8, 7, 6 win once each. Bottom windows: the first 9 wins the first two (the middle one holds both
        // 9s: the tie goes to the first in row-major order), the second 9 the last.
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 0, 0, 2, 1, 0], dx);

        var tiling = new Pool2DGeometry(1, 3, 4, 2, 2, 1, 2); // the third row is left out (floor)
        var avg = new float[2];
        global::GenNet.Kernels.AvgPool2DForward(avg, x, 1, tiling);
        Assert.Equal([4.5f, 4.5f], avg);
        global::GenNet.Kernels.AvgPool2DBackward(dx, [4, 8], 1, tiling);
        Assert.Equal([1, 1, 2, 2, 1, 1, 2, 2, 0, 0, 0, 0], dx);

        var global = new float[1];
        global::GenNet.Kernels.GlobalAvgPool2DForward(global, x, 1, 1, 12);
        Assert.Equal(54f / 12, global[0]);
        global::GenNet.Kernels.GlobalAvgPool2DBackward(dx, [6], 1, 1, 12);
        Assert.All(dx, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Kernels_refuse_short_spans_and_impossible_geometries()
    {
        Conv2DGeometry g = Geometry(1, 5, 5, 2, 3, 3, 1, false);
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DForward(new float[17], new float[25], new float[18], default, 1, g, Activation.None, 0f));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DForward(new float[18], new float[24], new float[18], default, 1, g, Activation.None, 0f));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DForward(new float[18], new float[25], new float[18], new float[1], 1, g, Activation.None, 0f));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DBackwardInput(new float[25], new float[18], new float[17], 1, g));
        // Sizes that do not fit each other (an input of 64 rows giving one output row of a 1×1 kernel; padding past the
        // kernel; products past int) are refused, not run over a scratch sized for the output.
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DForward(new float[4], new float[256], new float[1], default, 1,
            new Conv2DGeometry(1, 64, 4, 1, 1, 1, 1, 0, 0, 1, 4), Activation.None, 0f));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DForward(new float[4], new float[4], new float[4], default, 1,
            new Conv2DGeometry(1, 2, 2, 1, 2, 2, 1, 5, 0, 2, 1), Activation.None, 0f));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.Conv2DBackwardInput(new float[1], new float[1], new float[1], 1,
            new Conv2DGeometry(65536, 65536, 65536, 1, 1, 1, 1, 0, 0, 65536, 65536)));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.MaxPool2DForward(new float[4], new float[25], 1, new Pool2DGeometry(1, 5, 5, 3, 3, 2, 2)));
    }

    private static Conv2DGeometry Geometry(int c, int h, int w, int f, int kh, int kw, int stride, bool same)
    {
        int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
        int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
        int top = same ? Math.Max((oh - 1) * stride + kh - h, 0) / 2 : 0;
        int left = same ? Math.Max((ow - 1) * stride + kw - w, 0) / 2 : 0;
        return new Conv2DGeometry(c, h, w, f, kh, kw, stride, top, left, oh, ow);
    }
}
