using System.Runtime.Intrinsics;

namespace GenNet;

// Partition: whether a product is worth splitting over the worker pool, and into how many parts. Parts own disjoint
// outputs (never a share of one sum), which is why any thread count gives the same bits.
public static unsafe partial class Kernels
{
    /// <summary>M·N·K below which splitting costs more than it saves: 2¹⁸ is ≈ 5 µs of one thread's work, and a worker
    /// that is still spinning (as it is inside a training step) takes ≈ 1 µs to start. The 128×512×10 products of layer 2
    /// (655k) split.</summary>
    private const long ParallelMinWork = 1L << 18;

    /// <summary>Floats of B (256 Ki = 1 MB) whose reading a result shorter than a tile splits over the pool's threads.</summary>
    private const long RowsParallelMinFloats = 1L << 18;

    private static void RunGemm<TLayer>(GemmJob* job, WorkerPool? workers)
        where TLayer : struct, IDenseLayerKernels
    {
        if (job->M == 0 || job->N == 0)
        {
            return;
        }
        int parts = workers?.ThreadCount ?? 1;
        if (parts > 1)
        {
            bool oneRowPath = job->M < TileRows && !job->BTransposed;
            // The one-row path reads, per row, the rows of B its inputs select: all K of them, or only the non-zero
            // inputs' when it skips zeros.
            long selected = !oneRowPath ? 0 : job->SkipZeroInputs ? (NonZeroInputs(job) + job->M - 1) / job->M : job->K;
            parts = PartsFor(job->M, job->N, job->K, oneRowPath, (long)job->N * selected, parts);
        }
        if (parts == 1 || workers is null)
        {
            GemmPart<TLayer>(job, 0, 1);
        }
        else
        {
            workers.Run(&GemmPart<TLayer>, job, parts);
        }
    }

    /// <summary>
    /// How many parts a product splits into on a pool of <paramref name="threads"/>. A tiled product splits once M·N·K
    /// reaches <see cref="ParallelMinWork"/>. A product shorter than a tile (the one-row path) is bound by reading B, not
    /// by FMAs: it splits once the floats of B a row reads, <paramref name="floatsOfBPerRow"/>, outgrow one core's L2
    /// share. A dense 784-pixel input reads all of MNIST's W1 (1.6 MB; two threads then read 0.8 MB each, 20 → 10 µs);
    /// a typical MNIST image selects ≈ 150 rows of it (0.3 MB), where waking the worker cost more than it saved.
    /// </summary>
    internal static int PartsFor(long m, long n, long k, bool oneRowPath, long floatsOfBPerRow, int threads)
    {
        if (threads <= 1)
        {
            return 1;
        }
        bool split = oneRowPath ? floatsOfBPerRow >= RowsParallelMinFloats : m * n * k >= ParallelMinWork;
        return split ? threads : 1;
    }

    /// <summary>Number of non-zero values in the rows of A (k = 0…K−1 of each of the M rows).</summary>
    private static long NonZeroInputs(GemmJob* g)
    {
        long count = 0;
        for (int i = 0; i < g->M; i++)
        {
            float* a = g->A + i * g->ARowStride;
            int k = 0;
            // Vectorised for a contiguous row (every forward): a scalar loop cost ≈ 0.8 µs per MNIST image, a tenth of
            // the whole one-image forward pass.
            if (g->AColStride == 1 && Vector256.IsHardwareAccelerated)
            {
                for (; k <= g->K - Vector256<float>.Count; k += Vector256<float>.Count)
                {
                    uint zeros = Vector256.Equals(Vector256.Load(a + k), Vector256<float>.Zero).ExtractMostSignificantBits();
                    count += Vector256<float>.Count - System.Numerics.BitOperations.PopCount(zeros);
                }
            }
            for (; k < g->K; k++)
            {
                count += a[k * g->AColStride] != 0f ? 1 : 0;
            }
        }
        return count;
    }
}
