using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// The weight gradient of a one-channel 3×3 convolution (a grayscale image's first layer) read from the image itself,
// one sample at a time: the nine taps' sums for 8 filters stay in nine registers while the loop runs over the positions
// whose 3×3 window holds a non-zero pixel, each broadcasting its nine pixels from the plane and reading one row of the
// sample's dz transposed. The engine's product over im2col patches (Kernels.Conv2D.cs) needs a chunk of samples'
// patches and dz laid out for one call, which for MnistConvNet's first convolution are 21 samples' 1.8 MB of dzᵀ, more
// than a core's L2, and it runs the ninth tap as a row block of its own padded to a full tile. Here nothing is copied
// but one sample's dzᵀ (86 KB), and every FMA is a tap's: that layer's weight gradient from the pooling's winners went
// from 1.8–2.2 to 1.1–1.2 ms a batch of 128 MNIST images on one Zen 4 core.
//
// Bits: each dw element is the same chain acc = fma(x, dz, acc) over the chunk's samples and positions in increasing
// order from 0 as the engine's (the sums carry from sample to sample through memory, stored and loaded exactly), so
// finite values are bit for bit the engine's (Reference.Conv2DWeightGradientInKernelOrder is the order's twin). A
// position is left out when all nine pixels of its window are zero, where the engine leaves out a k when a tile row
// block's taps are all zero, and the terms the two leave out differ: as with the engine's own zero skipping (Gemm/
// Kernels.Gemm.cs), that can change the sign of a zero result (a product that underflowed to −0 followed only by zero
// terms: fma(0, dz, −0) is +0) and, with a non-finite dz, which elements a 0·∞ turns into NaN.
public static unsafe partial class Kernels
{
    /// <summary>Whether a convolution's weight gradient runs here rather than as the engine's product over patches: 3×3
    /// kernels over one input channel, Vector512 or Vector256 (Vector128 and the scalar path keep the engine's and the
    /// reference), and filters a multiple of 8. With more channels the engine's tiles
    /// waste nothing on padding and its chunks fit in L2: MnistConvNet's second convolution (32 channels) took 7.4–8.0 ms
    /// here against 6.7–7.0 ms as the engine's product (--conv-breakdown, alternating, Zen 4).</summary>
    private static bool WeightGradientBy3x3Windows(in Conv2DGeometry g) =>
        SimdHelpers.Width >= 256 && g.Channels == 1 && g.KernelHeight == 3 && g.KernelWidth == 3 && g.Filters % Vector256<float>.Count == 0;

    /// <summary>c[width × F] = Σ over the samples [b0, b0 + samples) of the taps [t0, t0 + width) of their 3×3 windows
    /// times dz (overwrites), as <see cref="ChunkProduct"/> computes it (the same bits for finite values). The sums run over
    /// all nine taps, in <see cref="ChunkScratch.Sums"/>.</summary>
    private static void ChunkProductBy3x3Windows(ConvJob* job, int b0, int samples, in ChunkScratch scratch, float* c, bool planeSums)
    {
        Conv2DGeometry g = job->G;
        int positions = g.OutHeight * g.OutWidth, filters = g.Filters;
        float* sums = scratch.Sums, dzt = scratch.Dzt;
        new Span<float>(sums, 9 * filters).Clear();
        for (int s = 0; s < samples; s++)
        {
            float* plane = PlaneOf(job->X + (long)(b0 + s) * g.InputSize, scratch.Xpad, g, scratch.Hp, scratch.Wp);
            WinnersGradient* winners = job->FromWinners;
            if (winners == null)
            {
                TransposeInto(dzt, job->Y + (long)(b0 + s) * g.OutputSize, filters, positions);
            }
            else
            {
                WinnersBackwardTransposed(&winners->Pool, b0 + s, dzt, scratch.Winners);
                if (planeSums && winners->PlaneSums != null)
                {
                    SumTransposedPlanes(winners->PlaneSums + (nint)(b0 + s) * filters, dzt, filters, positions);
                }
            }
            int count = ListWindows3x3(scratch.Windows, plane, g, scratch.Wp);
            WindowsProduct(sums, filters, plane, scratch.Wp, scratch.Windows, count, dzt);
        }
        new ReadOnlySpan<float>(sums + (nint)scratch.T0 * filters, scratch.Width * filters).CopyTo(new Span<float>(c, scratch.Width * filters));
    }

    /// <summary>Lists the output positions of the <paramref name="plane"/> (row stride <paramref name="wp"/>) whose
    /// 3×3 window holds an input that is not zero (NaN and ∞ count), in increasing order, as pairs (the position's row of
    /// dzᵀ, p·F; its window's offset in the plane); returns how many. Branch-free: every position is written, and the
    /// count moves past it only when listed. At stride 1, eight windows at a time from nine loads of the plane: one
    /// window at a time, listing took about 0.55 ms of a 1.7 ms call for 128 MNIST images (measured by reusing a stale
    /// list), eight at a time 0.18–0.2 ms (Zen 4).</summary>
    private static int ListWindows3x3(int* windows, float* plane, in Conv2DGeometry g, int wp)
    {
        int n = 0, stride = g.Stride, filters = g.Filters, vectorEnd = stride == 1 ? g.OutWidth - Vector256<float>.Count : -1;
        for (int i = 0, p = 0; i < g.OutHeight; i++)
        {
            float* top = plane + (nint)i * stride * wp;
            int j = 0;
            for (; j <= vectorEnd; j += Vector256<float>.Count, p += Vector256<float>.Count)
            {
                // Window j + l reads columns j + l … j + l + 2 of its rows: lane l of the loads at j, j + 1, j + 2.
                float* r0 = top + j, r1 = r0 + wp, r2 = r1 + wp;
                Vector256<float> zero = Vector256<float>.Zero;
                Vector256<float> allZero = Vector256.Equals(Vector256.Load(r0), zero) & Vector256.Equals(Vector256.Load(r0 + 1), zero)
                    & Vector256.Equals(Vector256.Load(r0 + 2), zero) & Vector256.Equals(Vector256.Load(r1), zero)
                    & Vector256.Equals(Vector256.Load(r1 + 1), zero) & Vector256.Equals(Vector256.Load(r1 + 2), zero)
                    & Vector256.Equals(Vector256.Load(r2), zero) & Vector256.Equals(Vector256.Load(r2 + 1), zero)
                    & Vector256.Equals(Vector256.Load(r2 + 2), zero);
                uint listed = ~allZero.ExtractMostSignificantBits();
                int offset = (int)(r0 - plane);
                for (int l = 0; l < Vector256<float>.Count; l++)
                {
                    windows[2 * n] = (p + l) * filters;
                    windows[2 * n + 1] = offset + l;
                    n += (int)((listed >> l) & 1);
                }
            }
            for (; j < g.OutWidth; j++, p++)
            {
                float* r0 = top + j * stride, r1 = r0 + wp, r2 = r1 + wp;
                bool any = (r0[0] != 0f) | (r0[1] != 0f) | (r0[2] != 0f) | (r1[0] != 0f) | (r1[1] != 0f) | (r1[2] != 0f)
                    | (r2[0] != 0f) | (r2[1] != 0f) | (r2[2] != 0f);
                windows[2 * n] = p * filters;
                windows[2 * n + 1] = (int)(r0 - plane);
                n += any ? 1 : 0;
            }
        }
        return n;
    }

    /// <summary>acc[t·F + f] += Σ over the listed windows of tap t's input times dzt[p·F + f], t = 3u + v, 8 filters at a
    /// time: nine accumulators, one load of dzᵀ and nine broadcasts a window. Vector256 on the Vector512 path as well: these
    /// FMAs are a fifth of the pass (MnistConvNet's first layer, Zen 4), and Vector512 measured no faster.</summary>
    private static void WindowsProduct(float* acc, int filters, float* plane, nint wp, int* windows, int count, float* dzt)
    {
        for (int f = 0; f < filters; f += Vector256<float>.Count)
        {
            float* a = acc + f, d = dzt + f;
            Vector256<float> a0 = Vector256.Load(a), a1 = Vector256.Load(a + filters), a2 = Vector256.Load(a + 2 * filters);
            Vector256<float> a3 = Vector256.Load(a + 3 * filters), a4 = Vector256.Load(a + 4 * filters), a5 = Vector256.Load(a + 5 * filters);
            Vector256<float> a6 = Vector256.Load(a + 6 * filters), a7 = Vector256.Load(a + 7 * filters), a8 = Vector256.Load(a + 8 * filters);
            for (int k = 0; k < count; k++)
            {
                Vector256<float> dz = Vector256.Load(d + windows[2 * k]);
                float* r0 = plane + windows[2 * k + 1], r1 = r0 + wp, r2 = r1 + wp;
                a0 = SimdHelpers.MultiplyAdd(Vector256.Create(r0[0]), dz, a0);
                a1 = SimdHelpers.MultiplyAdd(Vector256.Create(r0[1]), dz, a1);
                a2 = SimdHelpers.MultiplyAdd(Vector256.Create(r0[2]), dz, a2);
                a3 = SimdHelpers.MultiplyAdd(Vector256.Create(r1[0]), dz, a3);
                a4 = SimdHelpers.MultiplyAdd(Vector256.Create(r1[1]), dz, a4);
                a5 = SimdHelpers.MultiplyAdd(Vector256.Create(r1[2]), dz, a5);
                a6 = SimdHelpers.MultiplyAdd(Vector256.Create(r2[0]), dz, a6);
                a7 = SimdHelpers.MultiplyAdd(Vector256.Create(r2[1]), dz, a7);
                a8 = SimdHelpers.MultiplyAdd(Vector256.Create(r2[2]), dz, a8);
            }
            a0.Store(a);
            a1.Store(a + filters);
            a2.Store(a + 2 * filters);
            a3.Store(a + 3 * filters);
            a4.Store(a + 4 * filters);
            a5.Store(a + 5 * filters);
            a6.Store(a + 6 * filters);
            a7.Store(a + 7 * filters);
            a8.Store(a + 8 * filters);
        }
    }

    public static partial class Reference
    {
        /// <summary>Scalar twin of the order in which the accelerated paths sum a convolution's weight gradient, by 3×3
        /// windows or as the engine's product over patches: each dw element is a chain of multiply-adds (fused where the
        /// hardware has FMA, as SimdHelpers.MultiplyAdd) over the samples and positions of each chunk of
        /// <see cref="SamplesPerChunk"/> samples in increasing order from 0, and the chunks' sums are added in order. Every
        /// term is summed; the kernels leave out terms whose input is zero (or, below a max pooling, whose dz is zero:
        /// Kernels.Conv2DWeightGradientSparse.cs), which changes no finite value except, where a product underflows to
        /// −0, the sign of a zero result (and, with a NaN or ∞ factor, which elements its product with 0 makes NaN).</summary>
        internal static void Conv2DWeightGradientInKernelOrder(Span<float> dw, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch, in Conv2DGeometry g)
        {
            int chunk = SamplesPerChunk(g), taps = g.KernelHeight * g.KernelWidth;
            for (int f = 0; f < g.Filters; f++)
            {
                for (int c = 0; c < g.Channels; c++)
                {
                    for (int t = 0; t < taps; t++)
                    {
                        int u = t / g.KernelWidth, v = t % g.KernelWidth;
                        float total = 0f;
                        for (int b0 = 0; b0 < batch; b0 += chunk)
                        {
                            float acc = 0f;
                            for (int b = b0; b < Math.Min(batch, b0 + chunk); b++)
                            {
                                for (int i = 0; i < g.OutHeight; i++)
                                {
                                    for (int j = 0; j < g.OutWidth; j++)
                                    {
                                        int row = i * g.Stride + u - g.PadTop, column = j * g.Stride + v - g.PadLeft;
                                        bool inside = row >= 0 && row < g.Height && column >= 0 && column < g.Width;
                                        float xv = inside ? x[((b * g.Channels + c) * g.Height + row) * g.Width + column] : 0f;
                                        float dv = dz[((b * g.Filters + f) * g.OutHeight + i) * g.OutWidth + j];
                                        acc = Fma.IsSupported ? MathF.FusedMultiplyAdd(xv, dv, acc) : xv * dv + acc;
                                    }
                                }
                            }
                            total = b0 == 0 ? acc : total + acc;
                        }
                        dw[(f * g.Channels + c) * taps + t] = total;
                    }
                }
            }
        }
    }
}
