using GenNet.Models;
using static GenNet.Tests.Kernels.KernelTestData;

namespace GenNet.Tests.Kernels;

/// <summary>
/// The convolution kernels against their scalar twins (global::GenNet.Kernels.Reference) on odd geometries, on whatever instruction set
/// this process runs (.ci/run reruns these with AVX-512, AVX2 and all intrinsics off), and for 1, 2 and 3 threads.
/// </summary>
public class ConvParityTests
{
    public static TheoryData<int> Layers() => [.. Enumerable.Range(0, ConvLayer.All.Length)];

    /// <summary>Batches: one sample, a few, and more than one chunk of the weight gradient's samples.</summary>
    private static readonly int[] Batches = [0, 1, 3, 9];

    [Theory]
    [MemberData(nameof(Layers))]
    public void Every_pass_matches_the_twin_within_rounding_and_is_the_same_bits_for_any_thread_count(int index)
    {
        ConvLayer layer = ConvLayer.All[index];
        Conv2DGeometry g = layer.Geometry;
        int f = g.Filters;
        foreach (int batch in Batches)
        {
            int seed = 100 * index + 10 * batch;
            // Inputs with zeros in them, as after a ReLU: the weight gradient skips those terms, and so does the forward
            // product of a network's first layer.
            float[] x = Uniform(batch * g.InputSize, seed + 1).Select(v => v < -0.3f ? 0f : v).ToArray();
            float[] weights = Uniform(g.WeightCount, seed + 2), bias = layer.HasBias ? Uniform(f, seed + 3) : [];
            float[] dz = Uniform(batch * g.OutputSize, seed + 4);
            float[] absX = x.Select(Math.Abs).ToArray(), absW = weights.Select(Math.Abs).ToArray(), absDz = dz.Select(Math.Abs).ToArray();

            var expectedY = new float[batch * g.OutputSize];
            global::GenNet.Kernels.Reference.Conv2DForward(expectedY, x, weights, bias, batch, g, layer.Activation, layer.Alpha);
            var magnitudeY = new float[batch * g.OutputSize];
            global::GenNet.Kernels.Reference.Conv2DForward(magnitudeY, absX, absW, bias.Select(Math.Abs).ToArray(), batch, g, Activation.None, 0f);
            var expectedDx = new float[batch * g.InputSize];
            global::GenNet.Kernels.Reference.Conv2DBackwardInput(expectedDx, dz, weights, batch, g);
            var magnitudeDx = new float[batch * g.InputSize];
            global::GenNet.Kernels.Reference.Conv2DBackwardInput(magnitudeDx, absDz, absW, batch, g);
            var expectedDw = new float[g.WeightCount];
            var expectedDb = new float[f];
            global::GenNet.Kernels.Reference.Conv2DBackwardParameters(expectedDw, expectedDb, x, dz, batch, g);
            var magnitudeW = new float[g.WeightCount];
            var magnitudeB = new float[f];
            global::GenNet.Kernels.Reference.Conv2DBackwardParameters(magnitudeW, magnitudeB, absX, absDz, batch, g);

            float[]? firstY = null, firstDx = null, firstDw = null, firstDb = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                string context = $"{layer}, batch {batch} on {PathDescription}, {threads} thread(s)";
                var y = Filled(batch * g.OutputSize, float.NaN);
                layer.Forward(y, x, weights, bias, batch, pool);
                AssertDenseClose(expectedY, y, Wide(magnitudeY), "forward: " + context);

                var dw = Filled(g.WeightCount, float.NaN);
                var db = Filled(f, float.NaN);
                layer.BackwardParameters(dw, layer.HasBias ? db : default, x, dz, batch, pool);
                AssertDenseClose(expectedDw, dw, Wide(magnitudeW), "weight gradient: " + context);
                if (layer.HasBias)
                {
                    AssertDenseClose(expectedDb, db, Wide(magnitudeB), "bias gradient: " + context);
                }

                var dx = Filled(batch * g.InputSize, float.NaN);
                if (layer.HasInputGradient)
                {
                    layer.BackwardInput(dx, dz, weights, batch, pool);
                    AssertDenseClose(expectedDx, dx, Wide(magnitudeDx), "input gradient: " + context);
                }
                else
                {
                    Assert.Throws<InvalidOperationException>(() => layer.BackwardInput(dx, dz, weights, batch, pool));
                }

                firstY ??= y;
                firstDx ??= dx;
                firstDw ??= dw;
                firstDb ??= db;
                Assert.True(BitIdentical(firstY, y) && BitIdentical(firstDx, dx) && BitIdentical(firstDw, dw) && BitIdentical(firstDb, db),
                    "the same bits as one thread: " + context);
            }
        }
    }

    /// <summary>The Winograd forward (Kernels.Conv2DWinograd.cs: 3×3 at stride 1, channels a multiple of 8 and filters of
    /// 16, on AVX2 and AVX-512) is its scalar twin bit for bit: the transforms' additions and halvings and the sums over the
    /// channels in the same order, on inputs with zeros and −0s, one sample (split over the threads by filters) and
    /// batches, for any thread count. (The test above holds it to the direct sum within rounding.)</summary>
    [Theory]
    [MemberData(nameof(Layers))]
    public void Winograd_forward_is_its_twin_bit_for_bit(int index)
    {
        ConvLayer layer = ConvLayer.All[index];
        Conv2DGeometry g = layer.Geometry;
        if (!global::GenNet.Kernels.UsesWinograd(g))
        {
            return; // the direct product, held to its twin above
        }
        foreach (int batch in new[] { 1, 3, 8 })
        {
            float[] x = Uniform(batch * g.InputSize, 11 * index + batch).Select(v => v < -0.3f ? 0f : v < -0.2f ? -0f : v).ToArray();
            float[] weights = Uniform(g.WeightCount, 11 * index + batch + 1), bias = layer.HasBias ? Uniform(g.Filters, 11 * index + batch + 2) : [];
            var expected = new float[batch * g.OutputSize];
            global::GenNet.Kernels.Reference.Conv2DForwardWinograd(expected, x, weights, bias, batch, g, layer.Activation, layer.Alpha);
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                var y = Filled(batch * g.OutputSize, float.NaN);
                layer.Forward(y, x, weights, bias, batch, pool);
                int wrong = Enumerable.Range(0, y.Length).FirstOrDefault(k => BitConverter.SingleToInt32Bits(y[k]) != BitConverter.SingleToInt32Bits(expected[k]), -1);
                Assert.True(wrong < 0, $"{layer}, batch {batch}, {threads} thread(s) on {PathDescription}: y[{wrong}] = {(wrong < 0 ? 0 : y[wrong]):R} against {(wrong < 0 ? 0 : expected[wrong]):R}");
            }
        }
    }

    /// <summary>The transformed weights are kept between calls while the weights keep their bits: a change of the first or
    /// the last weight, or of a zero's sign, in place between two calls, gives the twin's result for the new weights.</summary>
    [Fact]
    public void Winograd_forward_sees_every_change_of_the_weights()
    {
        ConvLayer layer = ConvLayer.All.Single(l => l.Name.StartsWith("MnistConvNet.Layer3", StringComparison.Ordinal));
        Conv2DGeometry g = layer.Geometry;
        if (!global::GenNet.Kernels.UsesWinograd(g))
        {
            return;
        }
        float[] x = Uniform(g.InputSize, 5), weights = Uniform(g.WeightCount, 6), bias = Uniform(g.Filters, 7);
        weights[1] = 0f;
        Action<float[]>[] edits =
        [
            _ => { },
            w => w[0] += 0.5f,
            w => w[^1] = -w[^1],
            w => w[1] = -0f,
            _ => { },
        ];
        foreach (Action<float[]> edit in edits)
        {
            edit(weights);
            var expected = new float[g.OutputSize];
            global::GenNet.Kernels.Reference.Conv2DForwardWinograd(expected, x, weights, bias, 1, g, layer.Activation, layer.Alpha);
            var y = new float[g.OutputSize];
            layer.Forward(y, x, weights, bias, 1, null);
            Assert.True(BitIdentical(expected, y), "the twin's bits for the weights as they are now");
        }
    }

    /// <summary>Which convolutions take Winograd: on AVX2 and AVX-512 (Vector256 FMA), MnistConvNet's second and the
    /// Winograd test network's two; never a first layer of one channel, a stride of 2, a 5×5 kernel, or 20 channels.</summary>
    [Fact]
    public void Winograd_takes_3x3_stride_1_convolutions_of_whole_vectors_on_AVX2_and_AVX512()
    {
        bool vector256Fma = global::GenNet.Kernels.VectorWidth >= 256 && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        string[] winograd = ConvLayer.All.Where(l => global::GenNet.Kernels.UsesWinograd(l.Geometry)).Select(l => l.Name.Split(' ')[0]).ToArray();
        string[] expected = vector256Fma ? ["MnistConvNet.Layer3", "SixteenPositionsConvNet.Layer1", "WinogradConvNet.Layer1", "WinogradConvNet.Layer2"] : [];
        Assert.Equal(expected, winograd);
    }

    /// <summary>The weight gradient's exact order (each element's multiply-adds over every chunk of samples in turn,
    /// then the chunks added), which the README's accuracies depend on, for the engine's product over patches and for the
    /// one-channel 3×3 layers summed by windows alike, and for the sums over non-zero dz (a pooling's dz: three values in
    /// four zero, some −0); batch 45 is three of MnistConvNet's first layer's chunks. (With these magnitudes no product
    /// underflows to −0, the one finite case where the terms the kernels leave out show.)</summary>
    [Theory]
    [MemberData(nameof(Layers))]
    public void Weight_gradient_is_the_kernel_order_twin_bit_for_bit(int index)
    {
        if (global::GenNet.Kernels.VectorWidth == 0)
        {
            return; // without intrinsics the kernel is the reference, which sums in double
        }
        ConvLayer layer = ConvLayer.All[index];
        Conv2DGeometry g = layer.Geometry;
        foreach (int batch in new[] { 1, 3, 45 })
        {
            float[] x = Uniform(batch * g.InputSize, 7 * index + batch).Select(v => v < -0.3f ? 0f : v).ToArray();
            float[] dense = Uniform(batch * g.OutputSize, 7 * index + batch + 1);
            float[] pooled = dense.Select((v, k) => (k % 4) switch { 0 => v, 1 => -0f, _ => 0f }).ToArray();
            foreach (float[] dz in new[] { dense, pooled })
            {
                var expected = new float[g.WeightCount];
                global::GenNet.Kernels.Reference.Conv2DWeightGradientInKernelOrder(expected, x, dz, batch, g);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                    var dw = Filled(g.WeightCount, float.NaN);
                    layer.BackwardParameters(dw, layer.HasBias ? new float[g.Filters] : default, x, dz, batch, pool);
                    int wrong = Enumerable.Range(0, dw.Length).FirstOrDefault(k => BitConverter.SingleToInt32Bits(dw[k]) != BitConverter.SingleToInt32Bits(expected[k]), -1);
                    Assert.True(wrong < 0, $"{layer}, batch {batch}, {(dz == dense ? "dense" : "pooled")} dz, {threads} thread(s) on {PathDescription}: dw[{wrong}] = {(wrong < 0 ? 0 : dw[wrong]):R} against {(wrong < 0 ? 0 : expected[wrong]):R}");
                }
            }
        }
    }

    /// <summary>The input gradient's exact order (each patch gradient's multiply-adds over the filters, then each pixel's
    /// terms in increasing position), for the engine's product (dense dz) and for the sum over non-zero dz (a pooling's
    /// dz: three values in four zero, some −0) alike.</summary>
    [Theory]
    [MemberData(nameof(Layers))]
    public void Input_gradient_is_the_kernel_order_twin_bit_for_bit(int index)
    {
        ConvLayer layer = ConvLayer.All[index];
        if (global::GenNet.Kernels.VectorWidth == 0 || !layer.HasInputGradient)
        {
            return; // without intrinsics the kernel is the reference, which sums in double
        }
        Conv2DGeometry g = layer.Geometry;
        foreach (int batch in new[] { 1, 4 })
        {
            float[] weights = Uniform(g.WeightCount, 11 * index + batch);
            float[] dense = Uniform(batch * g.OutputSize, 11 * index + batch + 1);
            float[] pooled = dense.Select((v, k) => (k % 4) switch { 0 => v, 1 => -0f, _ => 0f }).ToArray();
            foreach (float[] dz in new[] { dense, pooled })
            {
                var expected = new float[batch * g.InputSize];
                global::GenNet.Kernels.Reference.Conv2DBackwardInputInKernelOrder(expected, dz, weights, batch, g);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                    var dx = Filled(batch * g.InputSize, float.NaN);
                    layer.BackwardInput(dx, dz, weights, batch, pool);
                    int wrong = Enumerable.Range(0, dx.Length).FirstOrDefault(k => BitConverter.SingleToInt32Bits(dx[k]) != BitConverter.SingleToInt32Bits(expected[k]), -1);
                    Assert.True(wrong < 0, $"{layer}, batch {batch}, {(dz == dense ? "dense" : "pooled")} dz, {threads} thread(s) on {PathDescription}: dx[{wrong}] = {(wrong < 0 ? 0 : dx[wrong]):R} against {(wrong < 0 ? 0 : expected[wrong]):R}");
                }
            }
        }
    }

    private static double[] Wide(float[] magnitude) => magnitude.Select(m => (double)m).ToArray();

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
    public void Kernels_refuse_short_spans_impossible_geometries_and_another_layers_tiles()
    {
        // MnistConvNet's first layer: K = 1·3·3 taps, 32 filters, with a bias, over 28×28 (676 output positions).
        Conv2DGeometry g = ConvLayer.GeometryOf(1, 28, 28, 32, 3, 3, 1, false);
        float[] bias = new float[32];
        GenNet.Kernels.Conv2DForward<MnistConvNet.Layer1>(new float[g.OutputSize], new float[784], new float[288], bias, 1, g);
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DForward<MnistConvNet.Layer1>(new float[g.OutputSize - 1], new float[784], new float[288], bias, 1, g));
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DForward<MnistConvNet.Layer1>(new float[g.OutputSize], new float[783], new float[288], bias, 1, g));
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DForward<MnistConvNet.Layer1>(new float[g.OutputSize], new float[784], new float[287], bias, 1, g));
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DForward<MnistConvNet.Layer1>(new float[g.OutputSize], new float[784], new float[288], default, 1, g));
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(new float[287], new float[32], new float[784], new float[g.OutputSize], 1, g));
        // Another layer's tiles (K = 288) for this geometry.
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DForward<MnistConvNet.Layer3>(new float[g.OutputSize], new float[784], new float[288], new float[64], 1, g));
        // The forward product's tiles are shaped by the output positions too: the same K and F over 3×3 positions are
        // refused, not run on tiles of another width; the weight gradient's (shaped by the filters) runs.
        Conv2DGeometry small = ConvLayer.GeometryOf(1, 5, 5, 32, 3, 3, 1, false);
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DForward<MnistConvNet.Layer1>(new float[288], new float[25], new float[288], bias, 1, small));
        GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(new float[288], new float[32], new float[25], new float[288], 1, small);
        // The first layer has no input gradient.
        Assert.Throws<InvalidOperationException>(() => GenNet.Kernels.Conv2DBackwardInput<MnistConvNet.Layer1>(new float[25], new float[288], new float[288], 1, g));
        // The input-gradient tiles are shaped by the output positions the layer was generated for (11×11 for
        // MnistConvNet's second convolution): the same K and F over 13×13 positions are refused, not run on tiles of
        // another width. Its own geometry runs.
        Conv2DGeometry conv2 = ConvLayer.GeometryOf(32, 13, 13, 64, 3, 3, 1, false), wider = ConvLayer.GeometryOf(32, 15, 15, 64, 3, 3, 1, false);
        GenNet.Kernels.Conv2DBackwardInput<MnistConvNet.Layer3>(new float[conv2.InputSize], new float[conv2.OutputSize], new float[conv2.WeightCount], 1, conv2);
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DBackwardInput<MnistConvNet.Layer3>(new float[wider.InputSize], new float[wider.OutputSize], new float[wider.WeightCount], 1, wider));
        // Sizes that do not fit each other (an input of 64 rows giving one output row of a 3-row kernel; padding past the
        // kernel; sizes past int) are refused, not run over a scratch sized for the output.
        // (Through the weight gradient, whose tiles do not depend on the positions, so the geometry check is what refuses.)
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(new float[288], bias, new float[256], new float[64], 1,
            new Conv2DGeometry(1, 64, 4, 32, 3, 3, 1, 0, 0, 1, 2)));
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(new float[288], bias, new float[9], new float[288], 1,
            new Conv2DGeometry(1, 3, 3, 32, 3, 3, 1, 5, 0, 3, 1)));
        Assert.Throws<ArgumentException>(() => GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(new float[288], bias, new float[1], new float[1], 1,
            new Conv2DGeometry(1, 65536, 65536, 32, 3, 3, 1, 0, 0, 65534, 65534)));
        Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.MaxPool2DForward(new float[4], new float[25], 1, new Pool2DGeometry(1, 5, 5, 3, 3, 2, 2)));
    }

    [Fact]
    public void Max_pooling_matches_its_twin_bit_for_bit_with_ties_zeros_and_NaN_on_any_thread_count()
    {
        // 13 and 17 windows a row take eight at a time where AVX2 is there (the last eight overlapping), 5 four at a time.
        foreach (Pool2DGeometry g in new[] { new Pool2DGeometry(3, 26, 26, 2, 2, 13, 13), new Pool2DGeometry(2, 7, 9, 3, 2, 3, 4), new Pool2DGeometry(5, 11, 11, 2, 1, 10, 10),
            new Pool2DGeometry(2, 5, 35, 2, 2, 2, 17), new Pool2DGeometry(2, 4, 16, 2, 2, 2, 8), new Pool2DGeometry(3, 11, 11, 2, 2, 5, 5) })
        {
            const int batch = 9;
            // Few distinct values, so windows hold ties, ±0 and NaN.
            float[] x = Uniform(batch * g.InputSize, g.Height).Select(v => MathF.Round(v * 2) switch { 2f => float.NaN, -2f => -0f, var r => r }).ToArray();
            float[] dy = Uniform(batch * g.OutputSize, g.Width);
            var expectedY = new float[batch * g.OutputSize];
            var expectedDx = new float[batch * g.InputSize];
            global::GenNet.Kernels.Reference.MaxPool2DForward(expectedY, x, batch, g);
            global::GenNet.Kernels.Reference.MaxPool2DBackward(expectedDx, dy, x, batch, g);
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                var y = Filled(expectedY.Length, 7f);
                var dx = Filled(expectedDx.Length, 7f);
                global::GenNet.Kernels.MaxPool2DForward(y, x, batch, g, pool);
                global::GenNet.Kernels.MaxPool2DBackward(dx, dy, x, batch, g, pool);
                Assert.True(BitIdentical(expectedY, y), $"forward {g}, {threads} thread(s)");
                Assert.True(BitIdentical(expectedDx, dx), $"backward {g}, {threads} thread(s)");
            }
        }
    }

    /// <summary>A convolution's act′ fused into the max pooling after it (Conv2DSpec.DerivativeFusedIntoNext): the
    /// pooling's gradient, then ActivationBackward over it, bit for bit, with overlapping windows and left-out columns.</summary>
    [Fact]
    public void Max_pooling_with_a_fused_derivative_is_the_pooling_then_the_derivative_bit_for_bit()
    {
        Pool2DGeometry[] geometries =
        [
            new(3, 26, 26, 2, 2, 13, 13), new(2, 7, 9, 3, 2, 3, 4), new(5, 11, 11, 2, 1, 10, 10), new(4, 11, 11, 2, 2, 5, 5),
        ];
        foreach (Pool2DGeometry g in geometries)
        {
            foreach ((Activation activation, float alpha) in new[] { (Activation.ReLU, 0f), (Activation.LeakyReLU, 0.1f), (Activation.Sigmoid, 0f), (Activation.Tanh, 0f) })
            {
                const int batch = 5;
                // Outputs of the activation, zeros and ties among them: ReLU's clamp, the others' ranges.
                float[] x = Uniform(batch * g.InputSize, g.Height + (int)activation).Select(v => activation switch
                {
                    Activation.ReLU => MathF.Max(0f, MathF.Round(v * 4) / 4),
                    Activation.Sigmoid => (v + 1) / 2,
                    _ => MathF.Round(v * 8) / 8,
                }).ToArray();
                float[] dy = Uniform(batch * g.OutputSize, g.Width);
                var expected = new float[batch * g.InputSize];
                global::GenNet.Kernels.Reference.MaxPool2DBackward(expected, dy, x, batch, g);
                global::GenNet.Kernels.ActivationBackward(expected, x, activation, alpha);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                    var dx = Filled(expected.Length, 7f);
                    global::GenNet.Kernels.MaxPool2DBackward(dx, dy, x, batch, g, pool, activation, alpha);
                    Assert.True(BitIdentical(expected, dx), $"{activation} after {g}, {threads} thread(s)");
                }
            }
        }
    }

    /// <summary>MnistConvNet's first convolution (9 taps: too few row blocks for two threads) splits its weight gradient
    /// by chunks of 21 samples instead: the same bits as one thread over three chunks, the last one short.</summary>
    [Fact]
    public void Weight_gradient_split_by_chunks_of_samples_is_the_same_bits_as_one_thread()
    {
        Conv2DGeometry g = new(1, 28, 28, 32, 3, 3, 1, 0, 0, 26, 26);
        const int batch = 50;
        Assert.True(global::GenNet.Kernels.SplitsChunks(9, 3, 2));
        Assert.False(global::GenNet.Kernels.SplitsChunks(9, 3, 1));
        Assert.False(global::GenNet.Kernels.SplitsChunks(288, 3, 2));
        float[] x = Uniform(batch * g.InputSize, 71).Select(v => v < -0.3f ? 0f : v).ToArray();
        float[] dz = Uniform(batch * g.OutputSize, 72);
        var expectedDw = new float[g.WeightCount];
        var expectedDb = new float[g.Filters];
        global::GenNet.Kernels.Reference.Conv2DBackwardParameters(expectedDw, expectedDb, x, dz, batch, g);
        var magnitudeW = new float[g.WeightCount];
        global::GenNet.Kernels.Reference.Conv2DBackwardParameters(magnitudeW, new float[g.Filters], x.Select(Math.Abs).ToArray(), dz.Select(Math.Abs).ToArray(), batch, g);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
            var dw = Filled(g.WeightCount, float.NaN);
            var db = Filled(g.Filters, float.NaN);
            global::GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(dw, db, x, dz, batch, g, pool);
            AssertDenseClose(expectedDw, dw, Wide(magnitudeW), $"{threads} thread(s) on {PathDescription}");
            first ??= dw;
            Assert.True(BitIdentical(first, dw), $"{threads} thread(s) against 1");
        }
    }

    /// <summary>An infinite dz over a patch of zero pixels: 0·∞ is NaN when that term is summed and absent when zero inputs
    /// are skipped. Whichever the kernel does, it must do it for every thread count: two threads used to give conv1's
    /// ninth tap (a part of one row, run row by row with zero skipping) a finite value where one thread (a padded tile,
    /// summing every k) gave NaN. Batches of one chunk (split by taps) and of two (split by chunks).</summary>
    [Theory]
    [InlineData(5)]
    [InlineData(22)]
    public void Weight_gradient_with_an_infinite_dz_over_zero_pixels_is_the_same_bits_for_any_thread_count(int batch)
    {
        Conv2DGeometry g = ConvLayer.GeometryOf(1, 28, 28, 32, 3, 3, 1, false);
        float[] x = Uniform(batch * g.InputSize, 3).Select(v => v < -0.3f ? 0f : v).ToArray();
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                x[r * 28 + c] = 0f;
            }
        }
        float[] dz = Uniform(batch * g.OutputSize, 4);
        dz[0] = float.PositiveInfinity; // sample 0, filter 0, position (0, 0): reads only the zeroed pixels
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
            var dw = new float[g.WeightCount];
            global::GenNet.Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(dw, new float[g.Filters], x, dz, batch, g, pool);
            first ??= dw;
            Assert.True(BitIdentical(first, dw), $"batch {batch}, {threads} thread(s) against 1 on {PathDescription}: dw[0, ·] = {string.Join(" ", dw.Take(9))} against {string.Join(" ", first.Take(9))}");
        }
    }
}
