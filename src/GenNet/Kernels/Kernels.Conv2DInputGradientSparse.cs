using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// A convolution's input gradient when most of its output gradient dz is zero, as below a max pooling: each window
// passes its gradient to one value in four (2×2), and ReLU′ zeros more. The engine's product dcolᵀ = Wᵀ·dz multiplies
// every zero: it skips a filter f only where dz[f] is zero over a tile's 16 or 32 positions, which one winner per
// window almost never leaves. Here each position's patch gradient sums only the filters whose dz there is not zero,
// 12 vectors of taps at a time from W's rows: MnistConvNet's second convolution has 25 winners in 121 positions per
// filter.
//
// Bits: dcol[p, t] is the chain acc = fma(dz[f, p], W[f, t], acc) over f in increasing order from 0, as the engine's
// tiles sum it, without the terms whose dz is zero (±0), then the same col2im. That leaves every finite value as the
// engine's (Reference.Conv2DBackwardInputInKernelOrder is the twin), except, as with the engine's own zero skipping,
// the sign of a zero patch gradient (which col2im's adds to +0 cannot show) and, with a non-finite W, which elements a
// NaN·0 or ∞·0 turns into NaN.
public static unsafe partial class Kernels
{
    /// <summary>Whether a sample's patch gradient may run by its non-zero dz: AVX2 (for the lists' permutes), and taps
    /// and filters multiples of 8. A sample whose dz is mostly non-zero still runs as the engine's product.</summary>
    private static bool MaySkipZeroGradients(in Conv2DGeometry g) =>
        SimdHelpers.Width >= 256 && Avx2.IsSupported && g.Filters % 8 == 0 && g.Channels * g.KernelHeight * g.KernelWidth % 8 == 0;

    /// <summary>Scratch floats <see cref="SparsePatchGradient"/> needs past dcolᵀ.</summary>
    private static nint SparsePatchGradientFloats(in Conv2DGeometry g)
    {
        long positions = (long)g.OutHeight * g.OutWidth, entries = positions * g.Filters;
        return 3 * Lines(entries) + Lines(positions + 1) + Lines(8 * 96);
    }

    /// <summary>
    /// dcolᵀ [taps × P] = Wᵀ·dz for one sample's dz [F × P], from the non-zero dz only; false, with dcolᵀ untouched, when
    /// that dz is not <see cref="MostlyZero"/> (the engine's dense product is then faster).
    /// </summary>
    private static bool SparsePatchGradient(float* dcolT, float* dz, float* w, in Conv2DGeometry g, float* scratch)
    {
        int filters = g.Filters, positions = g.OutHeight * g.OutWidth, taps = g.Channels * g.KernelHeight * g.KernelWidth;
        long entries = (long)positions * filters;
        float* dzt = scratch, values = dzt + Lines(entries);
        int* offsets = (int*)(values + Lines(entries));
        int* starts = offsets + Lines(entries);
        float* dcol = (float*)(starts + Lines(positions + 1)); // 8 × 96
        if (!MostlyZero(dz, (int)entries))
        {
            return false;
        }
        TransposeInto(dzt, dz, filters, positions);
        ListNonZero(dzt, positions, filters, taps, values, offsets, starts);
        // Eight positions' patch gradients for a block of taps at a time into a small buffer, transposed from there into
        // dcolᵀ while in L1; the block of W's columns (F × 96 floats, 24 KB for 64 filters) stays in L1 over the positions.
        float* block = dcol;
        for (int t0 = 0; t0 < taps;)
        {
            int width = ListedRowsWidth(taps - t0);
            for (int p0 = 0; p0 < positions; p0 += 8)
            {
                int rows = Math.Min(8, positions - p0);
                for (int k = 0; k < rows; k++)
                {
                    SumListedRows(width, block + k * width, w + t0, values, offsets, starts[p0 + k], starts[p0 + k + 1], fromTarget: false);
                }
                StoreTransposed8(dcolT + (nint)t0 * positions + p0, positions, block, width, rows, width);
            }
            t0 += width;
        }
        return true;
    }

    /// <summary>target[c·ldt + r] = source[r·lds + c] for the <paramref name="rows"/> (at most 8) rows of
    /// <paramref name="source"/> and its <paramref name="cols"/> columns, a multiple of 8.</summary>
    private static void StoreTransposed8(float* target, nint ldt, float* source, nint lds, int rows, int cols)
    {
        if (rows == 8)
        {
            for (int c = 0; c < cols; c += 8)
            {
                Transpose8x8(target + c * ldt, ldt, source + c, lds);
            }
            return;
        }
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++)
            {
                target[c * ldt + r] = source[r * lds + c];
            }
        }
    }

    /// <summary>For each position p (a row of <paramref name="dzt"/> [P × F]): its non-zero dz (NaN counts) in increasing
    /// f, as values and W row offsets f·taps, from starts[p]. Eight filters at a time (<see cref="AppendNonZero"/>).</summary>
    private static void ListNonZero(float* dzt, int positions, int filters, int taps, float* values, int* offsets, int* starts)
    {
        fixed (int* packing = PackingOrders)
        {
            Vector256<int> rows = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * taps;
            int n = 0;
            for (int p = 0; p < positions; p++)
            {
                starts[p] = n;
                float* row = dzt + (nint)p * filters;
                for (int f0 = 0; f0 < filters; f0 += 8)
                {
                    n += AppendNonZero(Vector256.Load(row + f0), rows + Vector256.Create(f0 * taps), values + n, offsets + n, packing);
                }
            }
            starts[positions] = n;
        }
    }

    public static partial class Reference
    {
        /// <summary>The exact order in which <see cref="Kernels.Conv2DBackwardInput{TLayer}"/> sums with Vector256 or
        /// Vector512, as the engine's product or by non-zero dz: each patch gradient dcol[(c, u, v), p] a chain of
        /// multiply-adds (fused where the hardware has FMA) over f in increasing order from 0, then each pixel of dx the
        /// sum from 0 of its patches' terms in increasing position. Every term is summed; the kernels leave out zero
        /// ones, which changes no finite value of dx.</summary>
        internal static void Conv2DBackwardInputInKernelOrder(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, in Conv2DGeometry g)
        {
            int taps = g.Channels * g.KernelHeight * g.KernelWidth, positions = g.OutHeight * g.OutWidth;
            var dcol = new float[taps];
            dx.Slice(0, batch * g.InputSize).Clear();
            for (int b = 0; b < batch; b++)
            {
                for (int p = 0; p < positions; p++)
                {
                    for (int t = 0; t < taps; t++)
                    {
                        float acc = 0f;
                        for (int f = 0; f < g.Filters; f++)
                        {
                            float dv = dz[b * g.OutputSize + f * positions + p], wv = w[f * taps + t];
                            acc = Fma.IsSupported ? MathF.FusedMultiplyAdd(dv, wv, acc) : dv * wv + acc;
                        }
                        dcol[t] = acc;
                    }
                    int i = p / g.OutWidth, j = p % g.OutWidth;
                    for (int t = 0; t < taps; t++)
                    {
                        int c = t / (g.KernelHeight * g.KernelWidth), u = t / g.KernelWidth % g.KernelHeight, v = t % g.KernelWidth;
                        int row = i * g.Stride + u - g.PadTop, column = j * g.Stride + v - g.PadLeft;
                        if (row >= 0 && row < g.Height && column >= 0 && column < g.Width)
                        {
                            dx[b * g.InputSize + (c * g.Height + row) * g.Width + column] += dcol[t];
                        }
                    }
                }
            }
        }
    }
}
