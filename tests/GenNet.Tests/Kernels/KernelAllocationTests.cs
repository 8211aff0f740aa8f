namespace GenNet.Tests.Kernels;

using static KernelTestData;

[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>After one warm-up call, no kernel allocates: not on the caller, and not when dispatching to a pool.</summary>
/// <remarks>
/// Runs alone (its collection disables parallelization) to keep timings quiet. Worker threads are measured from the
/// inside: the pool itself runs a part on every thread that reads that thread's own allocation counter.
/// </remarks>
[Collection(nameof(AllocationCollection))]
public unsafe class KernelAllocationTests
{
    private const int Calls = 2000;

    [Fact]
    public void Kernels_allocate_nothing_after_warm_up()
    {
        const int b = 32, i = 100, o = 40;
        float[] x = Uniform(b * i, 1), w = Uniform(i * o, 2), bias = Uniform(o, 3), y = new float[b * o];
        float[] dz = Uniform(b * o, 4), dw = new float[i * o], db = new float[o], dx = new float[b * i];
        int[] labels = Enumerable.Range(0, b).Select(k => k % o).ToArray();

        void Step()
        {
            GenNet.Kernels.DenseForward(y, x, w, bias, b, i, o, Activation.ReLU, 0f);
            GenNet.Kernels.SoftmaxCrossEntropy(dz, y, labels, b, o, 1f / b);
            GenNet.Kernels.DenseBackwardParameters(dw, db, x, dz, b, i, o);
            GenNet.Kernels.DenseBackwardInput(dx, dz, w, b, i, o);
            GenNet.Kernels.ActivationBackward(dx, x, Activation.LeakyReLU, 0.01f);
            GenNet.Kernels.SquaredError(dz, y, y, 1f);
            GenNet.Kernels.CountCorrect(y, labels, b, o);
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < Calls; k++)
        {
            Step();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Dispatching_to_a_two_thread_pool_allocates_nothing_after_warm_up()
    {
        // 64·128·128 = 2²⁰ multiply-adds: four times the 2¹⁸ from which the work splits over the pool.
        const int b = 64, i = 128, o = 128;
        float[] x = Uniform(b * i, 1), w = Uniform(i * o, 2), bias = Uniform(o, 3), y = new float[b * o];
        float[] dz = Uniform(b * o, 4), dw = new float[i * o], db = new float[o], dx = new float[b * i];
        using var pool = new WorkerPool(2);

        void Step()
        {
            GenNet.Kernels.DenseForward(y, x, w, bias, b, i, o, Activation.ReLU, 0f, pool);
            GenNet.Kernels.DenseBackwardParameters(dw, db, x, dz, b, i, o, pool);
            GenNet.Kernels.DenseBackwardInput(dx, dz, w, b, i, o, pool);
        }

        Step();
        long before = AllocatedOnEveryThread(pool);
        for (int k = 0; k < Calls; k++)
        {
            Step();
        }
        Assert.Equal(0, AllocatedOnEveryThread(pool) - before);
    }

    /// <summary>Σ over the caller and every worker of <see cref="GC.GetAllocatedBytesForCurrentThread"/>.</summary>
    internal static long AllocatedOnEveryThread(WorkerPool pool)
    {
        long* counts = stackalloc long[pool.ThreadCount];
        pool.Run(&ReadAllocatedBytes, counts, pool.ThreadCount);
        long total = 0;
        for (int p = 0; p < pool.ThreadCount; p++)
        {
            total += counts[p];
        }
        return total;
    }

    private static void ReadAllocatedBytes(void* state, int part, int parts) => ((long*)state)[part] = GC.GetAllocatedBytesForCurrentThread();
}
