using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// A convolution's weight gradient when most of its dz is zero, as below a max pooling (one value in four or fewer
// passes a 2×2 window's gradient, and ReLU′ zeros more). The engine's product dw′ = colᵀ·dzᵀ multiplies every zero of
// dz: its k run over positions, and a position is left out only where every filter's dz is zero there. Here each
// filter's row of dw sums only the positions whose dz is not zero, each adding its whole patch (C·KH·KW inputs) times
// dz: with the sample copied channel-last, a patch is KH runs of KW·C contiguous floats (96 for MnistConvNet's second
// convolution: 12 vectors), summed in registers by Kernels.ListedRows.cs. The taps are then in (u, v, c) order, put
// back to dw's (c, u, v) once at the end.
//
// Bits: each dw element is the chain acc = fma(x, dz, acc) over a chunk's samples and positions in increasing order from
// 0, the chunks' sums added in order (SamplesPerChunk), as the engine's product sums it, without the terms whose dz is
// zero (±0). So every finite value is the engine's (Reference.Conv2DWeightGradientInKernelOrder is the order's twin),
// except, as with the engine's own zero skipping (which leaves out zero inputs instead), the sign of a zero result and,
// with a non-finite input, which elements a NaN·0 or ∞·0 turns into NaN. The filters are split over the threads; each element's
// chain is the same on any of them.
public static unsafe partial class Kernels
{
    /// <summary>Whether a layer's weight gradient may run by its non-zero dz: AVX2 (for the lists' permutes), channels a
    /// multiple of 8 (each patch row of KW·C floats is whole vectors), and dz given rather than built from a pooling's
    /// winners (a first layer's, which has fewer channels). The batch then runs so when its first sample's dz is
    /// <see cref="MostlyZero"/>, decided from dz alone, so the same for any thread count.</summary>
    private static bool MaySumNonZeroGradients(in Conv2DGeometry g, ConvJob* job) =>
        job->FromWinners == null && SimdHelpers.Width >= 256 && Avx2.IsSupported && g.Channels % 8 == 0;

    /// <summary>A part of the weight gradient by non-zero dz (job.W = dw, job.X = x, job.Y = dz): the filters of its
    /// share, over the whole batch.</summary>
    private static void NonZeroWeightGradientPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int f0, int f1) = PartRange(g.Filters, part, parts);
        int filters = f1 - f0;
        if (filters <= 0)
        {
            return;
        }
        (int hp, int wp) = PaddedSizes(g);
        int channels = g.Channels, positions = g.OutHeight * g.OutWidth, taps = channels * g.KernelHeight * g.KernelWidth;
        nint planeFloats = Lines((long)channels * hp * wp), listFloats = Lines(positions), sumsFloats = Lines((long)filters * taps);
        float* xpad = ConvScratch.Get(2 * planeFloats + 3 * listFloats + 2 * sumsFloats);
        float* pixels = xpad + planeFloats, values = pixels + planeFloats;
        int* offsets = (int*)(values + listFloats), corners = offsets + listFloats;
        float* total = (float*)(corners + listFloats), partial = total + sumsFloats;
        // Where each position's patch starts in the channel-last plane.
        for (int p = 0; p < positions; p++)
        {
            corners[p] = (p / g.OutWidth * g.Stride * wp + p % g.OutWidth * g.Stride) * channels;
        }
        int chunk = SamplesPerChunk(g);
        for (int b0 = 0; b0 < job->Batch; b0 += chunk)
        {
            // The first chunk's sums are the total's start; each later chunk's are added to it, as the engine's are.
            float* sums = b0 == 0 ? total : partial;
            for (int b = b0; b < Math.Min(job->Batch, b0 + chunk); b++)
            {
                TransposeInto(pixels, PlaneOf(job->X + (long)b * g.InputSize, xpad, g, hp, wp), channels, hp * wp);
                float* dz = job->Y + (long)b * g.OutputSize;
                for (int f = f0; f < f1; f++)
                {
                    int count = ListPlaneNonZero(dz + (long)f * positions, positions, corners, values, offsets);
                    if (count != 0 || b == b0)
                    {
                        PatchesSum(sums + (nint)(f - f0) * taps, pixels, values, offsets, count, g, wp, fromTarget: b != b0);
                    }
                }
            }
            if (b0 != 0)
            {
                Add(total, partial, filters * taps);
            }
        }
        if (job->Batch == 0)
        {
            new Span<float>(total, filters * taps).Clear();
        }
        // dw[f, (c, u, v)] from the sums' (u, v, c) order.
        int window = g.KernelHeight * g.KernelWidth;
        for (int f = f0; f < f1; f++)
        {
            float* dw = job->W + (nint)f * taps, sum = total + (nint)(f - f0) * taps;
            for (int uv = 0; uv < window; uv++)
            {
                for (int c = 0; c < channels; c++)
                {
                    dw[c * window + uv] = sum[uv * channels + c];
                }
            }
        }
    }

    /// <summary>target[(u, v, c)] (+)= Σ over the listed positions of value·patch, the patch read from the channel-last
    /// plane <paramref name="pixels"/> at the listed offset: KH runs of KW·C floats, <paramref name="wp"/>·C apart.</summary>
    private static void PatchesSum(float* target, float* pixels, float* values, int* offsets, int count, in Conv2DGeometry g, int wp, bool fromTarget)
    {
        int run = g.KernelWidth * g.Channels;
        for (int u = 0; u < g.KernelHeight; u++)
        {
            float* rows = pixels + (nint)u * wp * g.Channels, sums = target + u * run;
            for (int r = 0; r < run;)
            {
                int width = ListedRowsWidth(run - r);
                SumListedRows(width, sums + r, rows + r, values, offsets, 0, count, fromTarget);
                r += width;
            }
        }
    }

    /// <summary>The non-zero values of one plane of dz (NaN counts) in increasing position, with their patches' offsets
    /// <paramref name="corners"/>[p]; returns how many. Eight positions at a time without a branch, as
    /// <see cref="ListNonZero"/>; the plane's last positions one at a time (the plane may end the buffer).</summary>
    private static int ListPlaneNonZero(float* plane, int positions, int* corners, float* values, int* offsets)
    {
        fixed (int* packing = PackingOrders)
        {
            int n = 0, p = 0;
            for (; p <= positions - 8; p += 8)
            {
                n += AppendNonZero(Vector256.Load(plane + p), Vector256.Load(corners + p), values + n, offsets + n, packing);
            }
            for (; p < positions; p++)
            {
                if (plane[p] != 0f)
                {
                    values[n] = plane[p];
                    offsets[n++] = corners[p];
                }
            }
            return n;
        }
    }
}
