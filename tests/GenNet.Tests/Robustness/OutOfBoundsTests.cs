using GenNet.Tests.Kernels;
using GenNet.Tests.Networks;

namespace GenNet.Tests.Robustness;

/// <summary>
/// The unsafe paths (the GEMM engine's raw pointers, the element-wise kernels' LoadUnsafe/StoreUnsafe, the optimizers'
/// fused loops) never touch memory outside the spans they are given: every span is allocated exactly as long as its
/// shape needs and placed flush against an inaccessible page, once after its end and once before its start, so a
/// single stray element faults. Shapes sweep every row tail, column tail, narrow/wide tile choice and the threaded
/// split. Where guarded memory is unsupported the tests are skipped, with the reason. .ci/run reruns this class on the AVX2, SSE and scalar paths with the other numeric tests.
/// </summary>
public class OutOfBoundsTests
{
    private static readonly Activation[] s_activations = [Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh];

    [GuardedMemoryFact]
    public void Dense_kernels_stay_inside_exactly_sized_spans()
    {
        int shapes = 0;
        foreach (bool after in (bool[])[true, false])
        {
            foreach (int batch in (int[])[1, 2, 5, 6, 7, 8, 9, 13])
            {
                foreach (DenseLayer layer in DenseLayer.OddShapes)
                {
                    Dense(layer, batch, after, workers: null);
                    shapes++;
                }
            }
        }
        Assert.Equal(2 * 8 * DenseLayer.OddShapes.Length, shapes);
    }

    [GuardedMemoryFact]
    public void Threaded_dense_kernels_stay_inside_exactly_sized_spans()
    {
        using var pool = new WorkerPool(3);
        // M·N·K ≥ 2^18, so the work is really split: by column blocks (wide N) and by row blocks (narrow N).
        foreach (bool after in (bool[])[true, false])
        {
            Dense(DenseLayer.Of<SplitWideNet.Layer2>(), 67, after, pool);
            Dense(DenseLayer.Of<SplitTallNet.Layer1>(), 1031, after, pool);
        }
    }

    [GuardedMemoryFact]
    public void Threaded_optimizers_stay_inside_exactly_sized_spans()
    {
        using var pool = new WorkerPool(3);
        // Long enough to be split into 2 and into 3 parts, with a last part that ends off the 64-float grid.
        foreach (bool after in (bool[])[true, false])
        {
            foreach (int n in (int[])[2 * Optimizer.MinFloatsPerPart + 1, 3 * Optimizer.MinFloatsPerPart + 63])
            {
                using var p = GuardedMemory.Allocate(n, after);
                using var g = GuardedMemory.Allocate(n, after);
                foreach (Optimizer optimizer in Optimizers(n))
                {
                    optimizer.Step(p.Span, g.Span, pool);
                }
            }
        }
    }

    private static Optimizer[] Optimizers(int n) => [new Sgd(n), new Sgd(n, momentum: 0.9f, nesterov: true), new RmsProp(n), new Adam(n), new AdamW(n)];

    [GuardedMemoryFact]
    public void Elementwise_kernels_and_optimizers_stay_inside_exactly_sized_spans()
    {
        foreach (bool after in (bool[])[true, false])
        {
            for (int n = 0; n <= 70; n++)
            {
                using var dy = GuardedMemory.Allocate(n, after);
                using var y = GuardedMemory.Allocate(n, after);
                using var t = GuardedMemory.Allocate(n, after);
                foreach (Activation activation in s_activations)
                {
                    GenNet.Kernels.ActivationBackward(dy.Span, y.Span, activation, 0.1f);
                }
                GenNet.Kernels.SquaredError(dy.Span, y.Span, t.Span, 0.5f);
                GenNet.Kernels.SquaredError([], y.Span, t.Span, 0.5f);
                if (n == 0)
                {
                    continue;
                }
                using var p = GuardedMemory.Allocate(n, after);
                foreach (Optimizer optimizer in Optimizers(n))
                {
                    optimizer.Step(p.Span, dy.Span);
                }
            }
            foreach (int batch in (int[])[1, 3])
            {
                foreach (int classes in (int[])[1, 2, 3, 10, 17])
                {
                    using var z = GuardedMemory.Allocate(batch * classes, after);
                    using var dz = GuardedMemory.Allocate(batch * classes, after);
                    using var labels = GuardedMemory.Allocate(batch, after, fill: 0f);
                    GenNet.Kernels.SoftmaxCrossEntropy(dz.Span, z.Span, labels.Ints, batch, classes, 1f);
                    GenNet.Kernels.CrossEntropyLoss(z.Span, labels.Ints, batch, classes);
                    GenNet.Kernels.CountCorrect(z.Span, labels.Ints, batch, classes);
                    GenNet.Kernels.Softmax(dz.Span, z.Span, batch, classes);
                }
            }
        }
    }

    /// <summary>
    /// A valid call whose reduction length K (inputs for DenseForward, batch for DenseBackwardParameters, outputs for
    /// DenseBackwardInput) would need a packing scratch of K × (NR + MR) floats beyond what one array holds must fail
    /// with a documented ArgumentException, not an OverflowException: the kernels cap K at MaxReductionLength.
    /// </summary>
    [GuardedMemoryFact]
    public void A_huge_reduction_length_throws_a_documented_exception_or_computes()
    {
        const int k = int.MaxValue / 8; // above the threshold on every vector path: HugeInputNet's inputs
        // One reserved-but-untouched block serves as both x [1 × K] and w [K × 1]: no physical memory is used unless read.
        using var both = GuardedMemory.Allocate(k, guardAfter: true, fill: 0f);
        var y = new float[1];
        Exception? e = Record.Exception(() => GenNet.Kernels.DenseForward<HugeInputNet.Layer1>(y, both.Span, both.Span, [], 1));
        Assert.True(e is null or ArgumentException, $"expected success or an ArgumentException, got {e?.GetType().Name}: {e?.Message}");
    }

    /// <summary>Every convolution of the parity tests (the engine's products over patches, the 3×3 weight gradient by
    /// windows, the sums over non-zero dz, the Winograd forward), its forward alone and with a 1×1 max pooling fused,
    /// one sample (split over the threads) and a few, on dz three values in four zero.</summary>
    [GuardedMemoryFact]
    public void Convolution_kernels_stay_inside_exactly_sized_spans()
    {
        using var pool = new WorkerPool(2);
        foreach (bool after in (bool[])[true, false])
        {
            foreach (ConvLayer layer in ConvLayer.All)
            {
                foreach (int batch in (int[])[1, 3])
                {
                    Conv(layer, batch, after, workers: null);
                    Conv(layer, batch, after, pool);
                }
            }
        }
    }

    private static void Conv(ConvLayer layer, int batch, bool after, WorkerPool? workers)
    {
        Conv2DGeometry g = layer.Geometry;
        var pooling = new Pool2DGeometry(g.Filters, g.OutHeight, g.OutWidth, 1, 1, g.OutHeight, g.OutWidth);
        using var x = GuardedMemory.Allocate(batch * g.InputSize, after, fill: 0f);
        using var w = GuardedMemory.Allocate(g.WeightCount, after, fill: 0.5f);
        using var bias = GuardedMemory.Allocate(layer.HasBias ? g.Filters : 0, after, fill: 0.1f);
        using var y = GuardedMemory.Allocate(batch * g.OutputSize, after);
        using var winners = GuardedMemory.Allocate(batch * g.OutputSize, after);
        using var dz = GuardedMemory.Allocate(batch * g.OutputSize, after, fill: 0f);
        using var dw = GuardedMemory.Allocate(g.WeightCount, after);
        using var db = GuardedMemory.Allocate(g.Filters, after);
        using var dx = GuardedMemory.Allocate(batch * g.InputSize, after);
        for (int k = 0; k < x.Span.Length; k += 3)
        {
            x.Span[k] = 1f;
        }
        for (int k = 0; k < dz.Span.Length; k += 4)
        {
            dz.Span[k] = 1f;
        }
        layer.Forward(y.Span, x.Span, w.Span, bias.Span, batch, workers);
        if (layer.Activation is Activation.None or Activation.ReLU)
        {
            layer.PooledForward(y.Span, winners.Span, x.Span, w.Span, bias.Span, batch, pooling, workers);
        }
        layer.BackwardParameters(dw.Span, layer.HasBias ? db.Span : default, x.Span, dz.Span, batch, workers);
        if (layer.HasInputGradient)
        {
            layer.BackwardInput(dx.Span, dz.Span, w.Span, batch, workers);
        }
    }

    private static void Dense(DenseLayer layer, int batch, bool after, WorkerPool? workers)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        using var x = GuardedMemory.Allocate(batch * inputs, after, fill: 0f);
        using var w = GuardedMemory.Allocate(inputs * outputs, after);
        using var bias = GuardedMemory.Allocate(layer.HasBias ? outputs : 0, after);
        using var y = GuardedMemory.Allocate(batch * outputs, after);
        using var dz = GuardedMemory.Allocate(batch * outputs, after);
        using var dw = GuardedMemory.Allocate(inputs * outputs, after);
        using var db = GuardedMemory.Allocate(outputs, after);
        using var dx = GuardedMemory.Allocate(batch * inputs, after);
        // Sparse inputs (zeros, every 11th value 1), so the tiles' lists of non-zero columns (Gemm/Kernels.Gemm.ZeroLists.cs,
        // ListedSteps) are empty for some row blocks and partly filled for others.
        for (int k = 0; k < x.Span.Length; k += 11)
        {
            x.Span[k] = 1f;
        }
        layer.Forward(y.Span, x.Span, w.Span, bias.Span, batch, workers);
        layer.BackwardParameters(dw.Span, db.Span, x.Span, dz.Span, batch, workers);
        layer.BackwardParameters(dw.Span, [], x.Span, dz.Span, batch, workers);
        if (layer.HasInputGradient)
        {
            layer.BackwardInput(dx.Span, dz.Span, w.Span, x.Span, batch, workers);
        }
        // The element-wise backward on the same exact spans.
        GenNet.Kernels.ActivationBackward(dz.Span, y.Span, layer.Activation, 0.1f);
    }
}
