using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// Blocking: the loop over a part's row and column blocks, and the choice of tile for each block.
public static unsafe partial class Kernels
{
    /// <summary>
    /// Computes part <paramref name="part"/> of <paramref name="parts"/>: a contiguous range of column blocks when
    /// there are enough of them (each part then packs only its own panels), else a range of row blocks.
    /// </summary>
    [SkipLocalsInit]
    private static void GemmPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        GemmJob* g = (GemmJob*)state;
        // A result at most one vector wide (the 10 logits of MNIST) takes one-vector tiles: a two-vector tile would
        // spend most of its FMAs on padding. The choice depends only on N, never on the split.
        bool narrow = g->N <= TileCols / 2;
        int nr = narrow ? TileCols / 2 : TileCols;
        int colBlocks = (g->N + nr - 1) / nr;
        int mr = TileRows;
        int rowBlocks = (g->M + mr - 1) / mr;
        int c0 = 0, c1 = colBlocks, r0 = 0, r1 = rowBlocks;
        if (colBlocks >= parts)
        {
            c0 = (int)((long)colBlocks * part / parts);
            c1 = (int)((long)colBlocks * (part + 1) / parts);
        }
        else
        {
            r0 = (int)((long)rowBlocks * part / parts);
            r1 = (int)((long)rowBlocks * (part + 1) / parts);
        }
        if (c0 >= c1 || r0 >= r1)
        {
            return;
        }

        int k = g->K;
        bool oneRow = g->M < mr && !g->BTransposed;
        // A generated layer's full tiles run its own micro-kernel (Kernels.DenseLayer.cs) on the same two widths: a full
        // row block of a one-vector result (its only column block, whatever its width), or a full two-vector tile.
        bool layerTile = SimdHelpers.Width >= 256 && HasLayerTile<TLayer>(g);
        // Zero skipping in tiles (GemmJob.SkipZeroInputs): each full row block's list of k, built once per chunk of row
        // blocks and read by every column block, by a generated layer's tiles and the engine's alike. One-vector results
        // (the 10 logits) and the Vector128 path sum every k: listing a1's zeros for the 10-logit products cost more than
        // it saved (--breakdown, alternating runs: L2 forward 20.1 → 26.9 µs, dW2 22.0 → 37.1 µs).
        bool listed = g->SkipZeroInputs && !oneRow && !narrow && SimdHelpers.Width >= 256 && (g->AColStride == 1 || g->ARowStride == 1);
        int chunk = listed ? Math.Max(1, ListBudget / (k + 2)) : r1 - r0;
        // Scratch: the B panel, the A tail, then (when listed) the lists and one bit per k.
        nint bitWords = listed ? (k + 63) / 64 : 0;
        float* panel = GemmScratch.Get((nint)k * (nr + mr) + (listed ? (nint)chunk * (k + 2) + 2 * bitWords : 0));
        float* aTail = panel + (nint)k * nr;
        int* lists = (int*)(aTail + (nint)k * mr);
        ulong* bits = (ulong*)(lists + (listed ? (nint)chunk * (k + 2) : 0));
        float* tile = stackalloc float[MaxTileFloats];

        if (oneRow)
        {
            RowsPart(g, c0, c1, nr, panel, tile);
            return;
        }

        // Full 8×32 and 6×16 tiles store from registers when the epilogue allows it: going through the scratch cost a store
        // and a reload of every accumulator (zmm stores read back as ymm halves), ≈ 15% of a K = 128 weight-gradient tile
        // with Vector512; with Vector256, the scratch and Epilogue held the 784×512 weight gradient at 59% of peak.
        TileStore direct = SimdHelpers.Width < 256 || narrow ? TileStore.Scratch :
            g->Store == GemmStore.Accumulate ? TileStore.Accumulate :
            g->Store == GemmStore.Gradient ? TileStore.Gradient :
            g->Activation == Activation.None ? TileStore.Linear :
            g->Activation == Activation.ReLU ? TileStore.Relu : TileStore.Scratch;

        int lastRow = (r1 - 1) * mr;
        int lastRows = g->M - lastRow;
        if (lastRows < mr)
        {
            PackRows(aTail, g, lastRow, lastRows);
        }

        for (int rc = r0; rc < r1; rc += chunk)
        {
            int rcEnd = Math.Min(r1, rc + chunk);
            if (listed)
            {
                // Full row blocks only; the short last one (packed into aTail) sums every k.
                int fullBlocks = Math.Min(rcEnd, g->M / mr) - rc;
                if (g->AColStride == 1)
                {
                    ListNonZeroColumnsOfRows(g, rc * mr, fullBlocks, mr, lists, bits);
                }
                else
                {
                    ListNonZeroColumnsOfColumns(g, rc * mr, fullBlocks, mr, lists, bits);
                }
            }
            for (int cb = c0; cb < c1; cb++)
            {
                int j = cb * nr;
                int cols = Math.Min(nr, g->N - j);
                // With Vector512 a full column block of an untransposed B is read where it lies (see the top of the file).
                float* b = panel;
                nint ldb = nr;
                if (g->BTransposed)
                {
                    PackPanelTransposed(panel, g, j, cols, nr);
                }
                else if (cols == nr && SimdHelpers.Width == 512)
                {
                    b = g->B + j;
                    ldb = g->Ldb;
                }
                else
                {
                    PackPanel(panel, g, j, cols, nr);
                }
                for (int rb = rc; rb < rcEnd; rb++)
                {
                    int* list = listed ? lists + (nint)(rb - rc) * (k + 2) : null;
                    if (list != null && rb * mr + mr <= g->M && list[0] < k)
                    {
                        TileAt<TLayer, ListedSteps>(g, rb * mr, j, cols, b, ldb, aTail, tile, direct, layerTile, narrow, nr, mr, new ListedSteps(list));
                    }
                    else
                    {
                        TileAt<TLayer, EveryStep>(g, rb * mr, j, cols, b, ldb, aTail, tile, direct, layerTile, narrow, nr, mr, new EveryStep(k));
                    }
                }
            }
        }
    }

    /// <summary>
    /// The tile of C at row <paramref name="i"/>, column <paramref name="j"/> (<paramref name="cols"/> wide) from the
    /// column block <paramref name="b"/> (row stride <paramref name="ldb"/>): a full 8×32 or 6×16 tile, or a full row block
    /// of a one-vector result, by the generated layer's micro-kernel when <paramref name="layerTile"/>; else a full
    /// two-vector tile straight from registers when <paramref name="direct"/> allows; anything else through the scratch and
    /// <see cref="Epilogue"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileAt<TLayer, TSteps>(GemmJob* g, int i, int j, int cols, float* b, nint ldb, float* aTail, float* tile,
        TileStore direct, bool layerTile, bool narrow, int nr, int mr, TSteps steps)
        where TLayer : struct, IDenseLayerKernels
        where TSteps : struct, IReductionSteps
    {
        int k = g->K;
        int rows = Math.Min(mr, g->M - i);
        float* a = aTail;
        nint rs = 1, cs = mr;
        if (rows == mr)
        {
            a = g->A + i * g->ARowStride;
            rs = g->ARowStride;
            cs = g->AColStride;
        }
        if (layerTile && rows == mr && (narrow || cols == nr))
        {
            LayerTile<TLayer, TSteps>(g, i, j, a, rs, cs, b, ldb, steps);
            return;
        }
        float* bias = g->Bias == null ? null : g->Bias + j;
        if (direct != TileStore.Scratch && rows == mr && cols == nr)
        {
            float* c = g->C + i * g->Ldc + j;
            switch (direct)
            {
                case TileStore.Accumulate: Tile(a, rs, cs, b, ldb, steps, c, g->Ldc, new AccumulateStore()); break;
                case TileStore.Linear: Tile(a, rs, cs, b, ldb, steps, c, g->Ldc, new LinearStore(bias)); break;
                case TileStore.Relu: Tile(a, rs, cs, b, ldb, steps, c, g->Ldc, new ReluStore(bias)); break;
                default: GradientTile(g, a, rs, cs, b, ldb, k, c); break;
            }
            return;
        }
        switch (SimdHelpers.Width)
        {
            case 512 when narrow: Tile512Narrow(a, rs, cs, b, ldb, k, tile); break;
            case 512: Tile512(a, rs, cs, b, ldb, steps, tile, 32, new ScratchStore()); break;
            case 256 when narrow: Tile256Narrow(a, rs, cs, b, ldb, k, tile); break;
            case 256: Tile256(a, rs, cs, b, ldb, steps, tile, 16, new ScratchStore()); break;
            case 128 when narrow: Tile128Narrow(a, rs, cs, b, ldb, k, tile); break;
            default: Tile128(a, rs, cs, b, ldb, k, tile); break;
        }
        Epilogue(g, g->C + i * g->Ldc + j, tile, nr, rows, cols, bias);
    }
}
