using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// Sums of rows picked by a list, each scaled by its listed value: what a convolution's gradients become when most of dz
// is zero (below a max pooling) and only the non-zero values are listed. The input gradient sums rows of W by the
// filters listed at a position (Kernels.Conv2DInputGradientSparse.cs), the weight gradient rows of the input by the
// positions listed for a filter (Kernels.Conv2DWeightGradientSparse.cs). Each lane is one chain of FMAs in list order,
// so a list in the dense product's order gives the dense product's bits, less the terms left out.
public static unsafe partial class Kernels
{
    /// <summary>For each 8-bit mask, the lanes it keeps in increasing order, then zeros: 256 rows of 8, for the
    /// permutes that pack a vector's listed lanes to the front.</summary>
    private static readonly int[] PackingOrders = BuildPackingOrders();

    private static int[] BuildPackingOrders()
    {
        var orders = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
        {
            for (int lane = 0, n = 0; lane < 8; lane++)
            {
                if ((mask >> lane & 1) != 0)
                {
                    orders[mask * 8 + n++] = lane;
                }
            }
        }
        return orders;
    }

    /// <summary>Whether at most a third of <paramref name="count"/> dz values are non-zero (NaN counts as non-zero): the
    /// sums over their lists then beat the engine's dense product (at half, they took longer, Zen 4).</summary>
    private static bool MostlyZero(float* dz, int count)
    {
        int nonZero = 0, k = 0;
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            nonZero += BitOperations.PopCount(NonZeroLanes(Vector256.Load(dz + k)));
        }
        for (; k < count; k++)
        {
            nonZero += dz[k] != 0f ? 1 : 0;
        }
        return 3L * nonZero <= count;
    }

    /// <summary>The lanes of <paramref name="v"/> that are not zero (NaN is not), as 8 bits.</summary>
    private static uint NonZeroLanes(Vector256<float> v) => ~Vector256.Equals(v, Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;

    /// <summary>Appends the non-zero lanes of <paramref name="v"/> in lane order to <paramref name="values"/>, and the same
    /// lanes of <paramref name="laneOffsets"/> to <paramref name="offsets"/>; returns how many. Without a branch: a compare,
    /// and a permute (<paramref name="packing"/>: <see cref="PackingOrders"/>) that packs the kept lanes to the front; both
    /// targets take a whole vector's store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AppendNonZero(Vector256<float> v, Vector256<int> laneOffsets, float* values, int* offsets, int* packing)
    {
        uint kept = NonZeroLanes(v);
        Vector256<int> order = Vector256.Load(packing + kept * 8);
        Avx2.PermuteVar8x32(v, order).Store(values);
        Avx2.PermuteVar8x32(laneOffsets, order).Store(offsets);
        return BitOperations.PopCount(kept);
    }

    /// <summary>The floats the next <see cref="SumListedRows"/> of a row takes with <paramref name="remaining"/> left (a
    /// multiple of 8): 12 vectors, else 4, else 1.</summary>
    private static int ListedRowsWidth(int remaining) => remaining >= 96 ? 96 : remaining >= 32 ? 32 : 8;

    /// <summary><see cref="SumListedRows12"/>, <see cref="SumListedRows4"/> or <see cref="SumListedRows1"/> by
    /// <paramref name="width"/> (96, 32 or 8 floats).</summary>
    private static void SumListedRows(int width, float* target, float* rows, float* values, int* offsets, int start, int end, bool fromTarget)
    {
        if (width == 96)
        {
            SumListedRows12(target, rows, values, offsets, start, end, fromTarget);
        }
        else if (width == 32)
        {
            SumListedRows4(target, rows, values, offsets, start, end, fromTarget);
        }
        else
        {
            SumListedRows1(target, rows, values, offsets, start, end, fromTarget);
        }
    }

    /// <summary>target[0..96) = Σ over the listed entries [start, end) of value·rows[offset + 0..96), each lane a chain of
    /// FMAs in list order, from target's own values when <paramref name="fromTarget"/>, else from 0.</summary>
    private static void SumListedRows12(float* target, float* rows, float* values, int* offsets, int start, int end, bool fromTarget)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        if (fromTarget)
        {
            a0 = Vector256.Load(target);
            a1 = Vector256.Load(target + 8);
            a2 = Vector256.Load(target + 16);
            a3 = Vector256.Load(target + 24);
            a4 = Vector256.Load(target + 32);
            a5 = Vector256.Load(target + 40);
            a6 = Vector256.Load(target + 48);
            a7 = Vector256.Load(target + 56);
            a8 = Vector256.Load(target + 64);
            a9 = Vector256.Load(target + 72);
            a10 = Vector256.Load(target + 80);
            a11 = Vector256.Load(target + 88);
        }
        for (int n = start; n < end; n++)
        {
            Vector256<float> v = Vector256.Create(values[n]);
            float* row = rows + offsets[n];
            a0 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row), a0);
            a1 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 8), a1);
            a2 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 16), a2);
            a3 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 24), a3);
            a4 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 32), a4);
            a5 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 40), a5);
            a6 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 48), a6);
            a7 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 56), a7);
            a8 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 64), a8);
            a9 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 72), a9);
            a10 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 80), a10);
            a11 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 88), a11);
        }
        a0.Store(target);
        a1.Store(target + 8);
        a2.Store(target + 16);
        a3.Store(target + 24);
        a4.Store(target + 32);
        a5.Store(target + 40);
        a6.Store(target + 48);
        a7.Store(target + 56);
        a8.Store(target + 64);
        a9.Store(target + 72);
        a10.Store(target + 80);
        a11.Store(target + 88);
    }

    /// <summary><see cref="SumListedRows12"/> for 4 vectors (32 floats): four chains in flight where a row's length left
    /// fewer than 12 vectors (one chain alone waits on each FMA's latency).</summary>
    private static void SumListedRows4(float* target, float* rows, float* values, int* offsets, int start, int end, bool fromTarget)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        if (fromTarget)
        {
            a0 = Vector256.Load(target);
            a1 = Vector256.Load(target + 8);
            a2 = Vector256.Load(target + 16);
            a3 = Vector256.Load(target + 24);
        }
        for (int n = start; n < end; n++)
        {
            Vector256<float> v = Vector256.Create(values[n]);
            float* row = rows + offsets[n];
            a0 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row), a0);
            a1 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 8), a1);
            a2 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 16), a2);
            a3 = SimdHelpers.MultiplyAdd(v, Vector256.Load(row + 24), a3);
        }
        a0.Store(target);
        a1.Store(target + 8);
        a2.Store(target + 16);
        a3.Store(target + 24);
    }

    /// <summary><see cref="SumListedRows12"/> for one vector of 8.</summary>
    private static void SumListedRows1(float* target, float* rows, float* values, int* offsets, int start, int end, bool fromTarget)
    {
        Vector256<float> a = fromTarget ? Vector256.Load(target) : default;
        for (int n = start; n < end; n++)
        {
            a = SimdHelpers.MultiplyAdd(Vector256.Create(values[n]), Vector256.Load(rows + offsets[n]), a);
        }
        a.Store(target);
    }
}
