using System.Runtime.CompilerServices;

namespace GenNet;

// Blocking: the loop over one part's row and column blocks, and the choice of tile for each block. Kept apart from the
// tiles because it is the one place that knows which block is full, short, listed or packed.
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
        if (SplitsColumns(rowBlocks, colBlocks, parts))
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
        // Forward products x·w only: a convolution's forward by positions has filters as rows (the one-row path adds a bias
        // per column), and a weight gradient of fewer rows than a tile (a convolution's part holding only the short
        // last block of taps) must list its k as that block does in one thread's padded tile, for the same bits.
        bool oneRow = g->M < mr && g->Product == GemmProduct.Forward;
        // Full tiles (a full row block of a one-vector result, whatever its width, or a full two-vector tile) run the
        // layer's tile with the epilogue fused, unless the epilogue is one only the engine computes (Sigmoid, Tanh forward).
        bool fused = HasFusedTile<TLayer>(g);
        // Zero skipping in tiles (GemmJob.SkipZeroInputs): each full row block's list of k, built once per chunk of row
        // blocks and read by every column block, by the layer's fused and accumulator tiles alike. One-vector results
        // (the 10 logits) and the Vector128 path sum every k: listing a1's zeros for the 10-logit products cost more than
        // it saved (--breakdown, alternating runs: L2 forward 20.1 → 26.9 µs, dW2 22.0 → 37.1 µs). The same holds for a
        // Dense layer's hidden input, a ReLU output whose zeros seldom line up across a row block, so only a first
        // layer's input (pixels, whose zeros come in borders and strokes) is listed: with 6×16 tiles, MnistMlp's 10 logits
        // (L2 forward 31.6–38.9 → 22.0 µs, dW2 41.0–51.9 → 22.5–22.8 µs) and NarrowMlp's 100-wide second layer
        // (--narrow-breakdown, alternating runs, Zen 4: L2 forward 207–305 → 158–176 µs on AVX2, 214–225 → 169–180 µs
        // with AVX-512, 150–152 → 106–115 µs on 2 threads; dW2 unchanged within the noise) ran faster unlisted. A
        // convolution's patches (zero padding, pooled ReLU outputs) are still listed when there is more than one
        // column block.
        bool listed = g->SkipZeroInputs && !oneRow && !narrow
            && (!TLayer.HasInputGradientTile || (colBlocks > 1 && TLayer.InputGradientColumns != 0))
            && SimdHelpers.Width >= 256 && (g->AColStride == 1 || g->ARowStride == 1);
        int chunk = listed ? Math.Max(1, ListBudget / (k + 2)) : r1 - r0;
        // Scratch: the B panel, the A tail, then (when listed) the lists and one bit per k for each of up to
        // ColumnListGroup blocks.
        nint bitWords = listed ? (k + 63) / 64 : 0;
        float* panel = GemmScratch.Get((nint)k * (nr + mr) + (listed ? (nint)chunk * (k + 2) + 2 * ColumnListGroup * bitWords : 0));
        float* aTail = panel + (nint)k * nr;
        int* lists = (int*)(aTail + (nint)k * mr);
        ulong* bits = (ulong*)(lists + (listed ? (nint)chunk * (k + 2) : 0));
        float* tile = stackalloc float[MaxTileFloats];

        if (oneRow)
        {
            RowsPart(g, c0, c1, nr, panel, tile);
            return;
        }

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
                int fullBlocks = Math.Min(rcEnd, g->M / mr) - rc;
                if (g->AColStride == 1)
                {
                    ListNonZeroColumnsOfRows(g, rc * mr, fullBlocks, mr, lists, bits);
                }
                else
                {
                    ListNonZeroColumnsOfColumns(g, rc * mr, fullBlocks, mr, lists, bits);
                }
                if (rc + fullBlocks < rcEnd)
                {
                    // The short last block, listed like the others: the 2 samples left after 21 blocks of 6 in a batch
                    // of 128 (or 133 in 800) have non-zero pixels at 29% of the 784 k on average, and summing all k made
                    // that block cost as much as a full dense tile (AVX2 Predict(10,000) in chunks of 128: 193–195k →
                    // 198–203k images/s). Rows contiguous in k are listed where they lie, 8 k at a time; otherwise from
                    // the zero-padded copy in aTail (k-major, mr floats per k), whose reads stay inside it.
                    int* tailList = lists + (nint)fullBlocks * (k + 2);
                    if (g->AColStride == 1)
                    {
                        ListNonZeroColumnsOfRows(g, lastRow, 1, lastRows, tailList, bits);
                    }
                    else
                    {
                        GemmJob packed = *g;
                        packed.A = aTail;
                        packed.AColStride = mr;
                        ListNonZeroColumnsOfColumns(&packed, 0, 1, mr, tailList, bits);
                    }
                }
            }
            for (int cb = c0; cb < c1; cb++)
            {
                int j = cb * nr;
                int cols = Math.Min(nr, g->N - j);
                // A last block of at most one vector's columns in a wider product runs the layer's one-vector tail tile
                // over a one-vector panel: padded to two vectors it cost a whole tile.
                bool tail = !narrow && cols <= nr / 2 && TLayer.HasTailTiles && SimdHelpers.Width >= 256;
                int panelCols = tail ? nr / 2 : nr;
                // With Vector512 a full column block of an untransposed B is read where it lies (see the top of the file).
                float* b = panel;
                nint ldb = panelCols;
                if (g->BTransposed)
                {
                    PackPanelTransposed(panel, g, j, cols, panelCols);
                }
                else if (cols == nr && SimdHelpers.Width == 512)
                {
                    b = g->B + j;
                    ldb = g->Ldb;
                }
                else
                {
                    PackPanel(panel, g, j, cols, panelCols);
                }
                for (int rb = rc; rb < rcEnd; rb++)
                {
                    int* list = listed ? lists + (nint)(rb - rc) * (k + 2) : null;
                    if (list != null && list[0] < k)
                    {
                        TileAt<TLayer, ListedSteps>(g, rb * mr, j, cols, b, ldb, aTail, tile, fused, narrow, tail, nr, mr, new ListedSteps(list));
                    }
                    else
                    {
                        TileAt<TLayer, EveryStep>(g, rb * mr, j, cols, b, ldb, aTail, tile, fused, narrow, tail, nr, mr, new EveryStep(k));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="parts"/> parts take ranges of column blocks (each packs only its own panels) rather than
    /// of row blocks (each packs every panel): columns unless rows give a part fewer tiles. Tiles are counted as equal
    /// (a short last block on a one-vector tail tile costs about two thirds of one; counting it so still prefers the
    /// same split for the shapes below), so the busiest part's tiles are the time: 100 columns are 7 blocks of 16
    /// with Vector256, split 3 + 4 by columns (4 × 134 tiles for 800 rows) but 67 + 67 row blocks by rows (67 × 7):
    /// the narrow network's 100-wide products ran 1.3–1.5× faster on 2 threads than on 1 before this, 1.8–1.9× after.
    /// </summary>
    internal static bool SplitsColumns(int rowBlocks, int colBlocks, int parts)
    {
        long byColumns = (long)((colBlocks + parts - 1) / parts) * rowBlocks;
        long byRows = (long)((rowBlocks + parts - 1) / parts) * colBlocks;
        return colBlocks >= parts && byColumns <= byRows;
    }

    /// <summary>
    /// The tile of C at row <paramref name="i"/>, column <paramref name="j"/> (<paramref name="cols"/> wide) from the
    /// column block <paramref name="b"/> (row stride <paramref name="ldb"/>). With Vector512 and Vector256, a full 8×32 or
    /// 6×16 tile, or a full row block of a one-vector result, runs the layer's fused tile when <paramref name="fused"/>;
    /// any other tile runs the layer's accumulator tile into the scratch <paramref name="tile"/>, and
    /// <see cref="Epilogue"/> stores the part inside C. With Vector128, the engine's own tiles and <see cref="Epilogue"/>.
    /// </summary>
    /// <remarks>
    /// Full tiles store from registers rather than through the scratch: the scratch cost a store and a reload of every
    /// accumulator (zmm stores read back as ymm halves), ≈ 15% of a K = 128 weight-gradient tile with Vector512; with
    /// Vector256, the scratch and Epilogue held the 784×512 weight gradient at 59% of peak.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileAt<TLayer, TSteps>(GemmJob* g, int i, int j, int cols, float* b, nint ldb, float* aTail, float* tile,
        bool fused, bool narrow, bool tail, int nr, int mr, TSteps steps)
        where TLayer : struct, IDenseLayerKernels
        where TSteps : struct, IReductionSteps
    {
        int rows = Math.Min(mr, g->M - i);
        float* a = aTail;
        nint rs = 1, cs = mr;
        if (rows == mr)
        {
            a = g->A + i * g->ARowStride;
            rs = g->ARowStride;
            cs = g->AColStride;
        }
        switch (SimdHelpers.Width)
        {
            case >= 256 when fused && rows == mr && (narrow || cols == nr):
                LayerTile<TLayer, TSteps>(g, i, j, a, rs, cs, b, ldb, steps);
                return;
            case >= 256: LayerAccumulatorTile<TLayer, TSteps>(g, tail, a, rs, cs, b, ldb, steps, tile); break;
            case 128 when narrow: Tile128Narrow(a, rs, cs, b, ldb, g->K, tile); break;
            default: Tile128(a, rs, cs, b, ldb, g->K, tile); break;
        }
        // A tail tile's rows are one vector apart.
        float* bias = g->Bias == null ? null : g->Bias + (g->Product == GemmProduct.PositionsForward ? i : j);
        Epilogue(g, g->C + i * g->Ldc + j, tile, tail ? nr / 2 : nr, rows, cols, bias);
    }
}
