namespace GenNet.Tests.Kernels;

using static KernelTestData;

/// <summary>
/// A convolution and the max pooling after it in one forward pass (Kernels.Conv2DMaxPool.cs), and the pooling's backward
/// pass from the winners that pass recorded: the bits of the separate kernels, on every convolution of the test
/// networks, with windows that tile, leave out a row or column, and overlap, on 1, 2 and 3 threads and one sample (whose
/// product may split over the threads).
/// </summary>
public class ConvMaxPoolTests
{
    /// <summary>Poolings of an OH × OW output: 2×2 at stride 2, 3×3 at stride 2 (overlapping), 2×2 at stride 1, and one
    /// window over the whole plane, where they fit.</summary>
    private static IEnumerable<Pool2DGeometry> PoolsOf(Conv2DGeometry g)
    {
        int c = g.Filters, h = g.OutHeight, w = g.OutWidth;
        foreach ((int window, int stride) in new[] { (2, 2), (3, 2), (2, 1) })
        {
            if (window <= h && window <= w)
            {
                yield return new Pool2DGeometry(c, h, w, window, stride, (h - window) / stride + 1, (w - window) / stride + 1);
            }
        }
        int all = Math.Min(h, w);
        yield return new Pool2DGeometry(c, h, w, all, all, h / all, w / all);
    }

    public static TheoryData<string> Layers() => [.. ConvLayer.All.Select(l => l.Name)];

    [Theory]
    [MemberData(nameof(Layers))]
    public void Fused_forward_and_the_backward_from_its_winners_give_the_bits_of_the_separate_kernels(string name)
    {
        ConvLayer layer = ConvLayer.All.Single(l => l.Name == name);
        Conv2DGeometry g = layer.Geometry;
        foreach (Pool2DGeometry p in PoolsOf(g))
        {
            foreach (int batch in new[] { 1, 3 })
            {
                // Rounded inputs, weights and biases: the sums are exact, and the outputs hold ties (and ReLU's zeros), so the first largest matters.
                float[] x = Uniform(batch * g.InputSize, p.Window + batch).Select(v => MathF.Round(v * 4) / 4).ToArray();
                float[] w = Uniform(g.WeightCount, 2).Select(v => MathF.Round(v * 4) / 4).ToArray();
                float[] bias = layer.HasBias ? Uniform(g.Filters, 3).Select(v => MathF.Round(v * 4) / 4).ToArray() : [];
                float[] dy = Uniform(batch * p.OutputSize, 4);
                var convolved = new float[batch * g.OutputSize];
                layer.Forward(convolved, x, w, bias, batch, null);
                var expectedY = new float[batch * p.OutputSize];
                global::GenNet.Kernels.MaxPool2DForward(expectedY, convolved, batch, p);
                Activation fused = layer.Activation == Activation.ReLU ? Activation.ReLU : Activation.None;
                var expectedDx = new float[batch * p.InputSize];
                global::GenNet.Kernels.MaxPool2DBackward(expectedDx, dy, convolved, batch, p, null, fused);
                // With quarter-valued inputs and weights the sums are exact, so the reference convolution gives the same
                // outputs (after ReLU or none) and its pooling the same first largest of each window.
                float[]? referenceWinners = null;
                if (layer.Activation is Activation.ReLU or Activation.None)
                {
                    referenceWinners = new float[expectedY.Length];
                    global::GenNet.Kernels.Reference.Conv2DMaxPoolForward(new float[expectedY.Length], referenceWinners, x, w, bias, batch, g, p, layer.Activation, layer.Alpha);
                }
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                    string context = $"{name}, {p}, batch {batch}, {threads} thread(s) on {PathDescription}";
                    var y = Filled(expectedY.Length, 7f);
                    var winners = Filled(expectedY.Length, -1f);
                    layer.PooledForward(y, winners, x, w, bias, batch, p, pool);
                    Assert.True(BitIdentical(expectedY, y), "forward: " + context);
                    if (referenceWinners != null)
                    {
                        Assert.True(BitIdentical(referenceWinners, winners), "winners: " + context);
                    }
                    var yAlone = Filled(expectedY.Length, 7f);
                    layer.PooledForward(yAlone, default, x, w, bias, batch, p, pool);
                    Assert.True(BitIdentical(expectedY, yAlone), "forward without winners: " + context);
                    var dx = Filled(expectedDx.Length, 7f);
                    global::GenNet.Kernels.MaxPool2DBackwardFromWinners(dx, dy, y, winners, batch, p, pool, fused);
                    Assert.True(BitIdentical(expectedDx, dx), "backward: " + context);
                }
            }
        }
    }

    /// <summary>The fused forward pass on unrounded data, whose sums round (so another order of the taps would show),
    /// against the separate convolution and pooling, bit for bit, on 1–3 threads (the test above rounds its data so that
    /// the reference's winners agree, which hides the order).</summary>
    [Theory]
    [MemberData(nameof(Layers))]
    public void Fused_forward_on_unrounded_data_gives_the_bits_of_the_separate_kernels(string name)
    {
        ConvLayer layer = ConvLayer.All.Single(l => l.Name == name);
        Conv2DGeometry g = layer.Geometry;
        foreach (Pool2DGeometry p in PoolsOf(g))
        {
            foreach (int batch in new[] { 1, 3 })
            {
                float[] x = Uniform(batch * g.InputSize, 5 * p.Window + batch).Select(v => v < -0.3f ? 0f : v).ToArray();
                float[] w = Uniform(g.WeightCount, 6);
                float[] bias = layer.HasBias ? Uniform(g.Filters, 7) : [];
                var convolved = new float[batch * g.OutputSize];
                layer.Forward(convolved, x, w, bias, batch, null);
                var expectedY = new float[batch * p.OutputSize];
                global::GenNet.Kernels.MaxPool2DForward(expectedY, convolved, batch, p);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                    var y = Filled(expectedY.Length, 7f);
                    layer.PooledForward(y, new float[y.Length], x, w, bias, batch, p, pool);
                    Assert.True(BitIdentical(expectedY, y), $"{name}, {p}, batch {batch}, {threads} thread(s) on {PathDescription}");
                }
            }
        }
    }

    /// <summary>A first layer's weight gradient from the pooling's gradient and winners (dz built per sample, never stored)
    /// has the bits of the pooling's backward pass from winners followed by the weight gradient, on 1–3 threads (which
    /// split MnistConvNet's first convolution by chunks of samples and its second by taps), with batches of one, a few
    /// and several chunks, and a NaN and an ∞ in the pooled gradient.</summary>
    [Theory]
    [MemberData(nameof(Layers))]
    public void Weight_gradient_from_winners_gives_the_bits_of_the_separate_kernels(string name)
    {
        ConvLayer layer = ConvLayer.All.Single(l => l.Name == name);
        if (layer.Activation is not (Activation.None or Activation.ReLU))
        {
            return; // an argument error: see Mismatched_shapes_and_activations_other_than_ReLU_are_argument_errors
        }
        Conv2DGeometry g = layer.Geometry;
        foreach (Pool2DGeometry p in PoolsOf(g))
        {
            foreach (int batch in new[] { 1, 3, 45 })
            {
                float[] x = Uniform(batch * g.InputSize, p.Window + batch).Select(v => MathF.Round(v * 4) / 4).ToArray();
                float[] w = Uniform(g.WeightCount, 2).Select(v => MathF.Round(v * 4) / 4).ToArray();
                float[] bias = layer.HasBias ? Uniform(g.Filters, 3) : [];
                float[] dy = Uniform(batch * p.OutputSize, 4);
                if (batch == 3)
                {
                    dy[1] = float.NaN;
                    dy[^1] = float.PositiveInfinity;
                }
                var y = new float[batch * p.OutputSize];
                var winners = new float[y.Length];
                layer.PooledForward(y, winners, x, w, bias, batch, p, null);
                var dz = new float[batch * g.OutputSize];
                global::GenNet.Kernels.MaxPool2DBackwardFromWinners(dz, dy, y, winners, batch, p, null, layer.Activation);
                var expectedDw = new float[g.WeightCount];
                var expectedDb = new float[bias.Length];
                layer.BackwardParameters(expectedDw, expectedDb, x, dz, batch, null);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
                    string context = $"{name}, {p}, batch {batch}, {threads} thread(s) on {PathDescription}";
                    var dw = Filled(expectedDw.Length, 7f);
                    var db = Filled(expectedDb.Length, 7f);
                    layer.BackwardParametersFromWinners(dw, db, x, dy, y, winners, batch, p, pool);
                    Assert.True(BitIdentical(expectedDw, dw), "dw: " + context);
                    Assert.True(BitIdentical(expectedDb, db), "db: " + context);
                }
            }
        }
    }

    /// <summary>The scalar twins: the reference convolution pooled, and the backward pass from its winners against the
    /// reference pooling's backward pass times ReLU′.</summary>
    [Fact]
    public void Reference_twins_agree_with_the_reference_convolution_and_pooling()
    {
        ConvLayer layer = ConvLayer.All.First(l => l.Geometry.Channels == 3);
        Conv2DGeometry g = layer.Geometry;
        const int batch = 2;
        foreach (Pool2DGeometry p in PoolsOf(g))
        {
            float[] x = Uniform(batch * g.InputSize, 5).Select(v => MathF.Round(v * 4) / 4).ToArray();
            float[] w = Uniform(g.WeightCount, 6).Select(v => MathF.Round(v * 4) / 4).ToArray();
            float[] bias = layer.HasBias ? Uniform(g.Filters, 7) : [];
            float[] dy = Uniform(batch * p.OutputSize, 8);
            var convolved = new float[batch * g.OutputSize];
            global::GenNet.Kernels.Reference.Conv2DForward(convolved, x, w, bias, batch, g, Activation.ReLU, 0f);
            var expectedY = new float[batch * p.OutputSize];
            global::GenNet.Kernels.Reference.MaxPool2DForward(expectedY, convolved, batch, p);
            var expectedDx = new float[batch * p.InputSize];
            global::GenNet.Kernels.Reference.MaxPool2DBackward(expectedDx, dy, convolved, batch, p);
            global::GenNet.Kernels.ActivationBackward(expectedDx, convolved, Activation.ReLU, 0f);

            var y = new float[expectedY.Length];
            var winners = new float[expectedY.Length];
            global::GenNet.Kernels.Reference.Conv2DMaxPoolForward(y, winners, x, w, bias, batch, g, p, Activation.ReLU, 0f);
            Assert.True(BitIdentical(expectedY, y), $"forward {p}");
            var dx = Filled(expectedDx.Length, 7f);
            global::GenNet.Kernels.Reference.MaxPool2DBackwardFromWinners(dx, dy, y, winners, batch, p, Activation.ReLU);
            Assert.True(BitIdentical(expectedDx, dx), $"backward {p}");
            var expectedDw = new float[g.WeightCount];
            var expectedDb = new float[bias.Length];
            global::GenNet.Kernels.Reference.Conv2DBackwardParameters(expectedDw, expectedDb, x, expectedDx, batch, g);
            var dw = Filled(expectedDw.Length, 7f);
            var db = Filled(expectedDb.Length, 7f);
            global::GenNet.Kernels.Reference.Conv2DBackwardParametersFromWinners(dw, db, x, dy, y, winners, batch, g, p, Activation.ReLU);
            Assert.True(BitIdentical(expectedDw, dw) && BitIdentical(expectedDb, db), $"weight gradient from winners {p}");
        }
    }

    /// <summary>The backward pass is public: winners that do not come from the forward pass (out of the plane, NaN, not
    /// whole, outside their 2×2 window) are argument errors, never writes outside dx. 26×26 has a 2×2 tail window per row
    /// on the vector path (13 = 3 × 4 + 1), 6×6 only the one-window loop (3 windows a row), 5×5 with 3×3 windows the
    /// general path.</summary>
    [Theory]
    [InlineData(26, 2, 2, 500f)]
    [InlineData(26, 2, 2, float.NaN)]
    [InlineData(26, 2, 2, 2f)]
    [InlineData(6, 2, 2, 0.5f)]
    [InlineData(6, 2, 2, -0.25f)]
    [InlineData(6, 2, 2, float.NaN)]
    [InlineData(5, 3, 1, 500f)]
    [InlineData(5, 3, 1, -1f)]
    [InlineData(5, 3, 1, 1.5f)]
    [InlineData(5, 3, 1, float.NaN)]
    public void Winners_that_the_forward_pass_cannot_record_are_argument_errors(int size, int window, int stride, float bad)
    {
        int outSize = (size - window) / stride + 1;
        var p = new Pool2DGeometry(1, size, size, window, stride, outSize, outSize);
        var winners = new float[p.OutputSize];
        for (int i = 0; i < outSize; i++)
        {
            for (int j = 0; j < outSize; j++)
            {
                winners[i * outSize + j] = i * stride * size + j * stride;
            }
        }
        foreach (int at in new[] { 0, outSize - 1, p.OutputSize - 1 })
        {
            float[] w = [.. winners];
            w[at] = bad;
            var guarded = new float[p.InputSize + 64];
            var ex = Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.MaxPool2DBackwardFromWinners(guarded.AsSpan(0, p.InputSize),
                Filled(p.OutputSize, 1f), Filled(p.OutputSize, 1f), w, 1, p, null, Activation.ReLU));
            Assert.Equal("winners", ex.ParamName);
            Assert.All(guarded[p.InputSize..], v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Mismatched_shapes_and_activations_other_than_ReLU_are_argument_errors()
    {
        ConvLayer layer = ConvLayer.All[0]; // MnistConvNet's first: 1×28×28 → 32×26×26
        var x = new float[784];
        var w = new float[layer.Geometry.WeightCount];
        var bias = new float[32];
        var notItsOutput = new Pool2DGeometry(32, 24, 24, 2, 2, 12, 12);
        var ex = Assert.Throws<ArgumentException>(() => layer.PooledForward(new float[32 * 144], new float[32 * 144], x, w, bias, 1, notItsOutput, null));
        Assert.Equal("pool", ex.ParamName);
        var p = new Pool2DGeometry(32, 26, 26, 2, 2, 13, 13);
        Assert.Throws<ArgumentException>(() => layer.PooledForward(new float[32 * 169], new float[32 * 169 - 1], x, w, bias, 1, p, null));
        ex = Assert.Throws<ArgumentException>(() => global::GenNet.Kernels.MaxPool2DBackwardFromWinners(new float[32 * 676], new float[32 * 169], new float[32 * 169],
            new float[32 * 169], 1, p, null, Activation.Tanh));
        Assert.Contains("only None and ReLU", ex.Message);
        // The weight gradient from winners: the same checks, and the layer's own activation.
        ex = Assert.Throws<ArgumentException>(() => layer.BackwardParametersFromWinners(new float[288], new float[32], x, new float[32 * 144], new float[32 * 144],
            new float[32 * 144], 1, notItsOutput, null));
        Assert.Equal("pool", ex.ParamName);
        Assert.Throws<ArgumentException>(() => layer.BackwardParametersFromWinners(new float[288], new float[32], x, new float[32 * 169], new float[32 * 169],
            new float[32 * 169 - 1], 1, p, null));
        ConvLayer tanh = ConvLayer.All.First(l => l.Activation is not (Activation.None or Activation.ReLU));
        var tp = new Pool2DGeometry(tanh.Geometry.Filters, tanh.Geometry.OutHeight, tanh.Geometry.OutWidth, 1, 1, tanh.Geometry.OutHeight, tanh.Geometry.OutWidth);
        ex = Assert.Throws<ArgumentException>(() => tanh.BackwardParametersFromWinners(new float[tanh.Geometry.WeightCount], new float[tanh.HasBias ? tanh.Geometry.Filters : 0],
            new float[tanh.Geometry.InputSize], new float[tp.OutputSize], new float[tp.OutputSize], new float[tp.OutputSize], 1, tp, null));
        Assert.Contains("only None and ReLU", ex.Message);
    }

    /// <summary>Bad winners are argument errors in the weight gradient too (it builds dz with the same checks), on one
    /// thread and on two (where the error comes from a worker).</summary>
    [Fact]
    public void Weight_gradient_from_bad_winners_is_an_argument_error()
    {
        ConvLayer layer = ConvLayer.All[0];
        Conv2DGeometry g = layer.Geometry;
        var p = new Pool2DGeometry(32, 26, 26, 2, 2, 13, 13);
        const int batch = 45;
        float[] x = Uniform(batch * g.InputSize, 1);
        float[] w = Uniform(g.WeightCount, 2);
        float[] bias = Uniform(g.Filters, 3);
        var y = new float[batch * p.OutputSize];
        var winners = new float[y.Length];
        layer.PooledForward(y, winners, x, w, bias, batch, p, null);
        winners[^1] = 0f; // the last sample's last window is at (24, 24)
        foreach (int threads in new[] { 1, 2 })
        {
            using WorkerPool? pool = threads > 1 ? new WorkerPool(threads) : null;
            var ex = Assert.Throws<ArgumentException>(() => layer.BackwardParametersFromWinners(new float[g.WeightCount], new float[g.Filters], x,
                Filled(y.Length, 1f), y, winners, batch, p, pool));
            Assert.Equal("winners", ex.ParamName);
        }
    }
}
