using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// The one-row path: a result shorter than one tile (single-sample forward), one row at a time with B read in place.
// Shape-independent, so it stays in the runtime at every width rather than in the generated layers.
public static unsafe partial class Kernels
{
    /// <summary>
    /// Column blocks <paramref name="c0"/>…<paramref name="c1"/> of a result with fewer rows than one tile (single-sample
    /// Forward): one row at a time, B read in place. A tile would spend 7 of every 8 FMAs on padding rows and pack all
    /// of W (1.6 MB for 784×512) per call; here each row streams W once, 1 KiB of each row of W per k step. Every
    /// element is still fma(a_k, b_k, acc) over increasing k from 0, and each column block goes through
    /// <see cref="Epilogue"/> exactly as in a tile, so the bits equal the tiled path's (with the one exception below).
    /// <para>
    /// With <see cref="GemmJob.SkipZeroInputs"/> the row kernels skip every k whose input a_k is zero, and with it the
    /// read of row k of W: one sample's forward pass is bound by streaming W from L3 (≈ 20 µs for MNIST's 1.6 MB W1).
    /// What that changes and does not: "Zero skipping" at the top of the file.
    /// </para>
    /// </summary>
    private static void RowsPart(GemmJob* g, int c0, int c1, int nr, float* panel, float* tile)
    {
        int vector = SimdHelpers.Width / 32;
        // Columns per pass: 16 accumulators of the 32 zmm registers, 8 of the 16 ymm/xmm ones; a whole number of blocks.
        int passCols = (SimdHelpers.Width == 512 ? 16 : 8) * vector;
        int blocksPerPass = passCols / nr;
        // The k each row sums, listed once per row and read by every pass: testing a_k in each pass cost a branch per k
        // per pass (8 passes of 784 for MNIST's 512 columns with Vector256), mispredicted wherever the image's strokes
        // begin and end. The list lives where a tile path keeps its A tail; this path has none.
        int* steps = (int*)(panel + (nint)g->K * nr);
        for (int i = 0; i < g->M; i++)
        {
            float* a = g->A + i * g->ARowStride;
            nint cs = g->AColStride;
            float* c = g->C + i * g->Ldc;
            int k = ListSteps(a, cs, g->K, g->SkipZeroInputs, steps);
            int cb = c0;
            for (; cb + blocksPerPass <= c1 && (cb + blocksPerPass) * nr <= g->N; cb += blocksPerPass)
            {
                int j = cb * nr;
                switch (SimdHelpers.Width)
                {
                    case 512: Row512(a, cs, g->B + j, g->Ldb, steps, k, tile); break;
                    case 256: Row256(a, cs, g->B + j, g->Ldb, steps, k, tile); break;
                    default: Row128(a, cs, g->B + j, g->Ldb, steps, k, tile); break;
                }
                for (int q = 0; q < blocksPerPass; q++)
                {
                    Epilogue(g, c + j + q * nr, tile + q * nr, nr, 1, nr, g->Bias == null ? null : g->Bias + j + q * nr);
                }
            }
            for (; cb < c1; cb++)
            {
                int j = cb * nr;
                int cols = Math.Min(nr, g->N - j);
                float* b = g->B + j;
                nint ldb = g->Ldb;
                if (cols < nr && SimdHelpers.Width >= 256)
                {
                    RowShort256(a, cs, b, ldb, steps, k, tile, cols);
                    Epilogue(g, c + j, tile, nr, 1, cols, g->Bias == null ? null : g->Bias + j);
                    continue;
                }
                if (cols < nr)
                {
                    PackPanel(panel, g, j, cols, nr);
                    b = panel;
                    ldb = nr;
                }
                for (int v = 0; v < nr; v += vector)
                {
                    switch (SimdHelpers.Width)
                    {
                        case 512: Row512Single(a, cs, b + v, ldb, steps, k, tile + v); break;
                        case 256: Row256Single(a, cs, b + v, ldb, steps, k, tile + v); break;
                        default: Row128Single(a, cs, b + v, ldb, steps, k, tile + v); break;
                    }
                }
                Epilogue(g, c + j, tile, nr, 1, cols, g->Bias == null ? null : g->Bias + j);
            }
        }
    }

    /// <summary>
    /// Writes to <paramref name="steps"/> the k (increasing) of a row's K inputs that its sum takes: every k, or with
    /// <paramref name="skipZeros"/> those whose a_k is not ±0 (NaN and ∞ are kept); returns how many. Branch-free: each
    /// k is written and the count moves on only when it is kept.
    /// </summary>
    private static int ListSteps(float* a, nint cs, int k, bool skipZeros, int* steps)
    {
        int count = 0;
        if (!skipZeros)
        {
            for (; count < k; count++)
            {
                steps[count] = count;
            }
            return count;
        }
        for (int q = 0; q < k; q++, a += cs)
        {
            steps[count] = q;
            count += *a != 0f ? 1 : 0;
        }
        return count;
    }

    /// <summary>row[256] = a[1×K]·B[K×256] (B row stride ldb) with 16 Vector512 accumulators.</summary>
    private static void Row512(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            float* bk = b + q * ldb;
            Vector512<float> av = Vector512.Create(a[q * cs]);
            c0 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk), c0);
            c1 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 16), c1);
            c2 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 32), c2);
            c3 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 48), c3);
            c4 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 64), c4);
            c5 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 80), c5);
            c6 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 96), c6);
            c7 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 112), c7);
            c8 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 128), c8);
            c9 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 144), c9);
            c10 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 160), c10);
            c11 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 176), c11);
            c12 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 192), c12);
            c13 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 208), c13);
            c14 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 224), c14);
            c15 = SimdHelpers.MultiplyAdd(av, Vector512.Load(bk + 240), c15);
        }
        c0.Store(row); c1.Store(row + 16); c2.Store(row + 32); c3.Store(row + 48);
        c4.Store(row + 64); c5.Store(row + 80); c6.Store(row + 96); c7.Store(row + 112);
        c8.Store(row + 128); c9.Store(row + 144); c10.Store(row + 160); c11.Store(row + 176);
        c12.Store(row + 192); c13.Store(row + 208); c14.Store(row + 224); c15.Store(row + 240);
    }

    /// <summary>row[64] = a[1×K]·B[K×64] (B row stride ldb) with 8 Vector256 accumulators.</summary>
    private static void Row256(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            float* bk = b + q * ldb;
            Vector256<float> av = Vector256.Create(a[q * cs]);
            c0 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk), c0);
            c1 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 8), c1);
            c2 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 16), c2);
            c3 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 24), c3);
            c4 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 32), c4);
            c5 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 40), c5);
            c6 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 48), c6);
            c7 = SimdHelpers.MultiplyAdd(av, Vector256.Load(bk + 56), c7);
        }
        c0.Store(row); c1.Store(row + 8); c2.Store(row + 16); c3.Store(row + 24);
        c4.Store(row + 32); c5.Store(row + 40); c6.Store(row + 48); c7.Store(row + 56);
    }

    /// <summary>row[32] = a[1×K]·B[K×32] (B row stride ldb) with 8 Vector128 accumulators.</summary>
    private static void Row128(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row)
    {
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            float* bk = b + q * ldb;
            Vector128<float> av = Vector128.Create(a[q * cs]);
            c0 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk), c0);
            c1 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 4), c1);
            c2 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 8), c2);
            c3 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 12), c3);
            c4 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 16), c4);
            c5 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 20), c5);
            c6 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 24), c6);
            c7 = SimdHelpers.MultiplyAdd(av, Vector128.Load(bk + 28), c7);
        }
        c0.Store(row); c1.Store(row + 4); c2.Store(row + 8); c3.Store(row + 12);
        c4.Store(row + 16); c5.Store(row + 20); c6.Store(row + 24); c7.Store(row + 28);
    }

    /// <summary>row[16] = a[1×K]·B[K×16]: one vector, for the blocks left over after whole passes.</summary>
    private static void Row512Single(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row)
    {
        Vector512<float> c0 = default;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            c0 = SimdHelpers.MultiplyAdd(Vector512.Create(a[q * cs]), Vector512.Load(b + q * ldb), c0);
        }
        c0.Store(row);
    }

    /// <summary>row[8] = a[1×K]·B[K×8]: one vector, for the blocks left over after whole passes.</summary>
    private static void Row256Single(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row)
    {
        Vector256<float> c0 = default;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            c0 = SimdHelpers.MultiplyAdd(Vector256.Create(a[q * cs]), Vector256.Load(b + q * ldb), c0);
        }
        c0.Store(row);
    }

    /// <summary>row[0..cols) = a[1×K]·B[K×cols] for a block narrower than a tile (the 10 logits), B read in place by
    /// masked loads (no lane past <paramref name="cols"/> is read, so nothing past B's end): one FMA chain per vector,
    /// the chains side by side. Packing the block first, as the other widths do, wrote K × 32 floats per call (MnistConvNet's
    /// 1600→10 layer: 200 KB) and ran the padding's chain too.</summary>
    private static void RowShort256(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row, int cols)
    {
        Vector256<float> mask0 = Vector256.LessThan(Vector256<float>.Indices, Vector256.Create((float)cols));
        Vector256<float> mask1 = Vector256.LessThan(Vector256<float>.Indices, Vector256.Create((float)(cols - 8)));
        Vector256<float> mask2 = Vector256.LessThan(Vector256<float>.Indices, Vector256.Create((float)(cols - 16)));
        Vector256<float> mask3 = Vector256.LessThan(Vector256<float>.Indices, Vector256.Create((float)(cols - 24)));
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        int vectors = (cols + 7) / 8;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            float* bk = b + q * ldb;
            Vector256<float> av = Vector256.Create(a[q * cs]);
            c0 = SimdHelpers.MultiplyAdd(av, Avx.MaskLoad(bk, mask0), c0);
            if (vectors > 1)
            {
                c1 = SimdHelpers.MultiplyAdd(av, Avx.MaskLoad(bk + 8, mask1), c1);
            }
            if (vectors > 2)
            {
                c2 = SimdHelpers.MultiplyAdd(av, Avx.MaskLoad(bk + 16, mask2), c2);
            }
            if (vectors > 3)
            {
                c3 = SimdHelpers.MultiplyAdd(av, Avx.MaskLoad(bk + 24, mask3), c3);
            }
        }
        c0.Store(row); c1.Store(row + 8); c2.Store(row + 16); c3.Store(row + 24);
    }

    /// <summary>row[4] = a[1×K]·B[K×4]: one vector, for the blocks left over after whole passes.</summary>
    private static void Row128Single(float* a, nint cs, float* b, nint ldb, int* steps, int count, float* row)
    {
        Vector128<float> c0 = default;
        for (int n = 0; n < count; n++)
        {
            nint q = steps[n];
            c0 = SimdHelpers.MultiplyAdd(Vector128.Create(a[q * cs]), Vector128.Load(b + q * ldb), c0);
        }
        c0.Store(row);
    }
}
