using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// Packing: B panels (contiguous, transposed for wᵀ, zero-padded for a short column block) and the padded A rows of a
// short row block, so every tile, generated or not, sees full blocks and needs no masking.
public static unsafe partial class Kernels
{
    /// <summary>panel[K×nr] = B[0…K, j…j+cols], zero-padded to nr columns.</summary>
    private static void PackPanel(float* panel, GemmJob* g, int j, int cols, int nr)
    {
        float* src = g->B + j;
        nint ldb = g->Ldb;
        if (cols == nr && nr != TileCols)
        {
            // A full narrow panel: one vector per row.
            for (int k = g->K; k > 0; k--, src += ldb, panel += nr)
            {
                switch (SimdHelpers.Width)
                {
                    case 512: Vector512.Load(src).StoreAligned(panel); break;
                    case 256: Vector256.Load(src).StoreAligned(panel); break;
                    default: Vector128.Load(src).StoreAligned(panel); break;
                }
            }
            return;
        }
        if (cols == nr)
        {
            for (int k = g->K; k > 0; k--, src += ldb, panel += nr)
            {
                switch (SimdHelpers.Width)
                {
                    case 512:
                        Vector512.Load(src).StoreAligned(panel);
                        Vector512.Load(src + 16).StoreAligned(panel + 16);
                        break;
                    case 256:
                        Vector256.Load(src).StoreAligned(panel);
                        Vector256.Load(src + 8).StoreAligned(panel + 8);
                        break;
                    default:
                        Vector128.Load(src).StoreAligned(panel);
                        Vector128.Load(src + 4).StoreAligned(panel + 4);
                        break;
                }
            }
            return;
        }
        // A short block (the 10 logits, the 10-wide dz of layer 2): whole vectors with the lanes past `cols` zeroed, for
        // every row whose vectors end inside B; the scalar loop cost ≈ 4 µs per 512×10 call, a fifth of the L2 forward.
        int rowsLeft = g->K;
        float* end = g->B + (nint)(g->K - 1) * ldb + g->N;
        switch (SimdHelpers.Width)
        {
            case 512:
            {
                Vector512<float> keep0 = Vector512.LessThan(Vector512<float>.Indices, Vector512.Create((float)cols));
                Vector512<float> keep1 = Vector512.LessThan(Vector512<float>.Indices, Vector512.Create((float)(cols - 16)));
                for (; rowsLeft > 0 && src + nr <= end; rowsLeft--, src += ldb, panel += nr)
                {
                    (Vector512.Load(src) & keep0).StoreAligned(panel);
                    if (nr == 32)
                    {
                        (Vector512.Load(src + 16) & keep1).StoreAligned(panel + 16);
                    }
                }
                break;
            }
            case 256:
            {
                Vector256<float> keep0 = Vector256.LessThan(Vector256<float>.Indices, Vector256.Create((float)cols));
                Vector256<float> keep1 = Vector256.LessThan(Vector256<float>.Indices, Vector256.Create((float)(cols - 8)));
                for (; rowsLeft > 0 && src + nr <= end; rowsLeft--, src += ldb, panel += nr)
                {
                    (Vector256.Load(src) & keep0).StoreAligned(panel);
                    if (nr == 16)
                    {
                        (Vector256.Load(src + 8) & keep1).StoreAligned(panel + 8);
                    }
                }
                break;
            }
            default:
            {
                Vector128<float> keep0 = Vector128.LessThan(Vector128<float>.Indices, Vector128.Create((float)cols));
                Vector128<float> keep1 = Vector128.LessThan(Vector128<float>.Indices, Vector128.Create((float)(cols - 4)));
                for (; rowsLeft > 0 && src + nr <= end; rowsLeft--, src += ldb, panel += nr)
                {
                    (Vector128.Load(src) & keep0).StoreAligned(panel);
                    if (nr == 8)
                    {
                        (Vector128.Load(src + 4) & keep1).StoreAligned(panel + 4);
                    }
                }
                break;
            }
        }
        for (; rowsLeft > 0; rowsLeft--, src += ldb, panel += nr)
        {
            int c = 0;
            for (; c < cols; c++)
            {
                panel[c] = src[c];
            }
            for (; c < nr; c++)
            {
                panel[c] = 0f;
            }
        }
    }

    /// <summary>panel[K×nr] with panel[k, c] = B[(j + c)·Ldb + k], zero-padded to nr columns.</summary>
    /// <remarks>
    /// Blocked over k so the panel rows being written (64 × nr floats, ≤ 8 KiB) stay in L1 while each source row is
    /// read in 64-float runs: written column by column over the whole K, the panel (64 KiB for K = 512) thrashed L1.
    /// </remarks>
    private static void PackPanelTransposed(float* panel, GemmJob* g, int j, int cols, int nr)
    {
        const int KBlock = 64;
        int kk = g->K;
        for (int k0 = 0; k0 < kk; k0 += KBlock)
        {
            int k1 = Math.Min(kk, k0 + KBlock);
            int c = 0;
            if (Sse.IsSupported)
            {
                // Four source rows at a time, as 4×4 in-register transposes: 4 loads, 8 shuffles, 4 stores per 16 floats.
                for (; c <= cols - 4; c += 4)
                {
                    float* s0 = g->B + (j + c) * g->Ldb;
                    float* s1 = s0 + g->Ldb;
                    float* s2 = s1 + g->Ldb;
                    float* s3 = s2 + g->Ldb;
                    int k = k0;
                    for (; k <= k1 - 4; k += 4)
                    {
                        Vector128<float> r0 = Sse.LoadVector128(s0 + k), r1 = Sse.LoadVector128(s1 + k);
                        Vector128<float> r2 = Sse.LoadVector128(s2 + k), r3 = Sse.LoadVector128(s3 + k);
                        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
                        Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
                        float* d = panel + k * nr + c;
                        Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
                        Sse.Store(d + nr, Sse.MoveHighToLow(t1, t0));
                        Sse.Store(d + 2 * nr, Sse.MoveLowToHigh(t2, t3));
                        Sse.Store(d + 3 * nr, Sse.MoveHighToLow(t3, t2));
                    }
                    for (; k < k1; k++)
                    {
                        float* d = panel + k * nr + c;
                        d[0] = s0[k];
                        d[1] = s1[k];
                        d[2] = s2[k];
                        d[3] = s3[k];
                    }
                }
            }
            for (; c < nr; c++)
            {
                float* dst = panel + c;
                if (c < cols)
                {
                    float* src = g->B + (j + c) * g->Ldb;
                    for (int k = k0; k < k1; k++)
                    {
                        dst[k * nr] = src[k];
                    }
                }
                else
                {
                    for (int k = k0; k < k1; k++)
                    {
                        dst[k * nr] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>aTail[K×mr] with aTail[k, r] = A[i + r, k] for r &lt; rows, zero beyond: the short last row block.</summary>
    private static void PackRows(float* aTail, GemmJob* g, int i, int rows)
    {
        int mr = TileRows;
        // Cleared whole, then the real rows copied: the padding rows element by element were most of the work (conv1's
        // weight gradient has one row in its last block of 8, over K = 8 × 676: 14% of that product's time in PackRows).
        new Span<float>(aTail, checked(g->K * mr)).Clear();
        for (int r = 0; r < rows; r++)
        {
            float* dst = aTail + r;
            float* src = g->A + (i + r) * g->ARowStride;
            nint cs = g->AColStride;
            for (int k = 0; k < g->K; k++)
            {
                dst[k * mr] = src[k * cs];
            }
        }
    }
}
