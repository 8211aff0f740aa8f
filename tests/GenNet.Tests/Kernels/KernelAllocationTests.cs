using GenNet.Tests.Networks;

namespace GenNet.Tests.Kernels;

using static KernelTestData;

[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>Once warmed up, no kernel allocates: not on the caller, and not when dispatching to a pool.</summary>
/// <remarks>
/// Runs alone (its collection disables parallelization) to keep timings quiet. Worker threads are measured from the
/// inside (<see cref="Allocations.MeasureEverywhere"/>).
/// </remarks>
[Collection(nameof(AllocationCollection))]
public class KernelAllocationTests
{
    private const int Calls = 2000;

    [Fact]
    public void Kernels_allocate_nothing_after_warm_up()
    {
        // A 47 → 64 ReLU layer, 32 rows: full tiles and tails at both widths.
        DenseLayer layer = DenseLayer.OddShapes.Single(l => l.Inputs == 47 && l.Outputs == 64);
        const int b = 32, i = 47, o = 64;
        float[] x = Uniform(b * i, 1), w = Uniform(i * o, 2), bias = Uniform(o, 3), y = new float[b * o];
        float[] dz = Uniform(b * o, 4), dw = new float[i * o], db = new float[o], dx = new float[b * i];
        int[] labels = Enumerable.Range(0, b).Select(k => k % o).ToArray();

        void Step()
        {
            layer.Forward(y, x, w, bias, b, null);
            GenNet.Kernels.SoftmaxCrossEntropy(dz, y, labels, b, o, 1f / b);
            layer.BackwardParameters(dw, db, x, dz, b, null);
            layer.BackwardInput(dx, dz, w, x, b, null);
            GenNet.Kernels.ActivationBackward(dx, x, Activation.LeakyReLU, 0.01f);
            GenNet.Kernels.SquaredError(dz, y, y, 1f);
            GenNet.Kernels.CountCorrect(y, labels, b, o);
        }

        Assert.Equal(0, Allocations.Measure(Step, Calls));
    }

    [Fact]
    public void Dispatching_to_a_two_thread_pool_allocates_nothing_after_warm_up()
    {
        // 64·301·333 multiply-adds (SplitWideNet's second layer): far above the 2¹⁸ from which the work splits over the pool.
        DenseLayer layer = DenseLayer.Of<SplitWideNet.Layer2>();
        const int b = 64, i = 301, o = 333;
        float[] x = Uniform(b * i, 1), w = Uniform(i * o, 2), bias = Uniform(o, 3), y = new float[b * o];
        float[] dz = Uniform(b * o, 4), dw = new float[i * o], db = new float[o], dx = new float[b * i];
        using var pool = new WorkerPool(2);

        void Step()
        {
            layer.Forward(y, x, w, bias, b, pool);
            layer.BackwardParameters(dw, db, x, dz, b, pool);
            layer.BackwardInput(dx, dz, w, x, b, pool);
        }

        Assert.Equal(0, Allocations.MeasureEverywhere(pool, Step, Calls));
    }
}
