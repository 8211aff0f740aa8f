using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// The one GEMM engine behind the three dense kernels: C[M×N] (= or +=) epilogue(A[M×K]·B[K×N]).
//
// Shape: the result is cut into tiles of MR rows × 2 vectors (8×32 for Vector512, 6×16 for Vector256, 6×8 for
// Vector128), each computed by a register-blocked micro-kernel holding 16 or 12 accumulators; a result at most one
// vector wide (the 10 logits) takes one-vector tiles instead. With Vector512, a full column block of an untransposed
// B (w in x·w, dz in xᵀ·dz) is read in place through its row stride: packing it cost a copy of all of W per call
// (1.6 MB for 784×512, ≈ 5% of a batch-128 forward) and bought no speed, Zen 4's prefetchers follow the 2 KiB stride.
// The narrower tiles pack every column block into a contiguous panel: a 6×16 Vector256 tile reads one cache line of B
// per k, a new 4 KiB page every other k, in a third of the time an 8×32 tile spends per k; packed, the AVX2 path's
// 784×512 products went from 70% and 59% of peak to 84% and 82% (the SSE path's from 3.8 and 4.0 ms to 3.0 and 3.3 ms).
// wᵀ (for dz·wᵀ, packed transposed so it runs on the same micro-kernel) and a short last column block (zero-padded, so
// column tails need no masking: padding lanes compute zeros the epilogue never stores) are packed at every width, into
// the per-thread, 64-byte aligned scratch. A is read in place through a row and a column stride, which is how one
// micro-kernel serves x·w (A = x), xᵀ·dz (A = x read transposed) and dz·wᵀ; a short last row block is copied into a
// zero-padded MR-row scratch first. A result with fewer rows than one tile (single-sample Forward) skips tiles
// altogether: see RowsPart.
//
// Generated layers (Kernels.DenseLayer.cs): a network's DenseForward<TLayer> and its backward twins run this engine with
// the layer's own register tile in place of Tile512, Tile256 and their one-vector twins for every full tile of a product
// it has one for (TileAt, HasLayerTile); the generator emits it with the layer's epilogue fused, in the same operations
// as the stores below, so the bits do not change.
//
// Determinism: every C element is acc = fma(a_k, b_k, acc) over increasing k from acc = 0 (all k = 0…K−1, or all but
// skipped zero terms, below), then the epilogue, in the same instruction sequence whatever tile, part or thread it
// falls in; so any split gives the same bits.
//
// Zero skipping (GemmJob.SkipZeroInputs: the forward product x·w and the weight gradient xᵀ·dz, where A is the layer's
// input x): a tile leaves out every k at which all of its rows' inputs are zero, and with it the read of row k of B
// (ListedSteps); the one-row path leaves out each zero input. 81% of MNIST's pixels are zero, and a random batch's
// 8-sample row blocks keep only 46% of the 784 k of the forward product, its 8-pixel row blocks 39% of the 128 k of the
// weight gradient: a batch-128 training step goes from 2.06 to 1.02 ms on one Zen 4 core. Skipping changes no value for
// finite B: fma(±0, b, acc) = acc, except the sign of a zero result (a product that rounded to −0 and met nothing but
// zeros afterwards ends as −0 instead of +0). A non-finite B is the one case that tells: 0·∞ or 0·NaN would have given
// NaN. A non-finite b_k still reaches every element whose own a_k is non-zero (a NaN in dz[b,o] reaches dw[i,o]
// whenever x[b,i] ≠ 0, and always db); whether it reaches an element whose a_k is zero depends on the tiling (the
// element's tile neighbours, the tail block, the one-row path, 8- or 6-row tiles). An input that is NaN or ∞ is never
// skipped.
public static unsafe partial class Kernels
{
    /// <summary>
    /// Rows of C per micro-kernel tile: 8 with Vector512 (16 accumulators of the 32 zmm registers; 8 also divides the
    /// MNIST batch 128 and I = 784, so no row tail), else 6 (12 accumulators of the 16 ymm/xmm registers).
    /// </summary>
    private static int TileRows => SimdHelpers.Width == 512 ? 8 : 6;

    /// <summary>The largest tile, in floats: 8 rows × 32 columns.</summary>
    private const int MaxTileFloats = 8 * 32;

    /// <summary>M·N·K below which splitting costs more than it saves: 2¹⁸ is ≈ 5 µs of one thread's work, and a worker
    /// that is still spinning (as it is inside a training step) takes ≈ 1 µs to start. The 128×512×10 products of layer 2
    /// (655k) split.</summary>
    private const long ParallelMinWork = 1L << 18;

    /// <summary>Floats of B (256 Ki = 1 MB) whose reading a result shorter than a tile splits over the pool's threads.</summary>
    private const long RowsParallelMinFloats = 1L << 18;

    /// <summary>Which of a Dense layer's three products a job is: picks a generated layer's tile (Kernels.DenseLayer.cs).</summary>
    private enum GemmProduct : byte
    {
        /// <summary>y = act(x·w + bias).</summary>
        Forward,
        /// <summary>dw = xᵀ·dz.</summary>
        WeightGradient,
        /// <summary>dx = (dz·wᵀ) ⊙ act′(y).</summary>
        InputGradient,
    }

    private enum GemmStore : byte
    {
        /// <summary>C = act(acc + bias).</summary>
        Overwrite,
        /// <summary>C += acc.</summary>
        Accumulate,
        /// <summary>C = acc ⊙ act′(Y), Y laid out as C: an input gradient with the previous layer's derivative applied.</summary>
        Gradient,
    }

    /// <summary>
    /// How a full two-vector tile (Vector512 or Vector256) leaves its registers: into the tile scratch for
    /// <see cref="Epilogue"/>, or straight into C when the epilogue is a lane-wise op whose bits do not depend on the vector
    /// width (+=, + bias, ReLU, act′).
    /// </summary>
    private enum TileStore : byte
    {
        /// <summary>tile = acc (row stride = the tile's width); <see cref="Epilogue"/> writes C.</summary>
        Scratch,
        /// <summary>C += acc.</summary>
        Accumulate,
        /// <summary>C = acc, or acc + bias.</summary>
        Linear,
        /// <summary>C = max(0, acc), or max(0, acc + bias), exactly as <see cref="SimdHelpers.Relu(Vector512{float})"/>.</summary>
        Relu,
        /// <summary>C = acc ⊙ act′(Y), the products <see cref="ActivationBackward"/> forms.</summary>
        Gradient,
    }

    /// <summary>One GEMM call, described by raw pointers into spans the caller keeps pinned until it returns.</summary>
    private struct GemmJob
    {
        public float* C;
        public nint Ldc;
        public float* A;
        public nint ARowStride;
        public nint AColStride;
        /// <summary>B(k, n) = B[k·Ldb + n], or B[n·Ldb + k] when <see cref="BTransposed"/>.</summary>
        public float* B;
        public nint Ldb;
        public bool BTransposed;
        public int M;
        public int N;
        public int K;
        /// <summary>Bias[N] added before the activation, or null.</summary>
        public float* Bias;
        public GemmProduct Product;
        public GemmStore Store;
        public Activation Activation;
        public float Alpha;
        /// <summary>Leave out the k at which A (the layer's input) is zero: see "Zero skipping" at the top of the file.</summary>
        public bool SkipZeroInputs;
        /// <summary>For <see cref="GemmStore.Gradient"/>: the activation's output, same shape and row stride as C.</summary>
        public float* Y;
    }

    /// <summary>Columns of C per tile: two vectors of the widest accelerated width.</summary>
    private static int TileCols => SimdHelpers.Width / 16;

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

    /// <summary>Ints of per-thread scratch for the row blocks' k lists (128 KiB): a batch-128 784-input forward and a
    /// 1024-input weight gradient each list all their row blocks in one chunk.</summary>
    private const int ListBudget = 1 << 15;

    // The lists ListedSteps reads, one per full row block b of a chunk, at lists + b·(K + 2): list[0] = n, list[1…n] = the
    // k, increasing, at which some row of the block has a non-zero A, then a sentinel K; a block with no zero column holds
    // only list[0] = K, and TileAt then sums every k without reading the list. "Non-zero" is tested on the bits
    // without the sign (−0 is zero; NaN, ∞ and subnormals are not), which lets the rows of a block be or-ed before one
    // compare. Both builders first gather one bit per k in registers, so nothing branches on the data (MNIST keeps 40–50%
    // of the k at random) and no store waits for the one before it. Listing the first 128 MNIST training images took
    // 14.3 → 10.1 µs for the forward product (16 blocks of 8 samples) and 38.3 → 13.9 µs for the weight gradient (98
    // blocks of 8 pixels), in a standalone loop over optimised code.

    /// <summary>Lists for <paramref name="blocks"/> row blocks from row <paramref name="i0"/> when each row of A is
    /// contiguous in k (a forward product: the rows are samples).</summary>
    private static void ListNonZeroColumnsOfRows(GemmJob* g, int i0, int blocks, int mr, int* lists, ulong* bits)
    {
        int k = g->K;
        nint rs = g->ARowStride;
        Vector256<uint> magnitude = Vector256.Create(0x7FFF_FFFFu);
        for (int block = 0; block < blocks; block++)
        {
            uint* a = (uint*)(g->A + (i0 + block * mr) * rs);
            for (int start = 0; start < k; start += 64)
            {
                int end = Math.Min(k, start + 64);
                ulong word = 0;
                int kk = start;
                for (; kk <= end - 8; kk += 8)
                {
                    Vector256<uint> any = Vector256.Load(a + kk);
                    for (int r = 1; r < mr; r++)
                    {
                        any |= Vector256.Load(a + r * rs + kk);
                    }
                    uint zero = Vector256.Equals(any & magnitude, Vector256<uint>.Zero).ExtractMostSignificantBits();
                    word |= (ulong)(~zero & 0xFF) << (kk - start);
                }
                for (; kk < end; kk++)
                {
                    uint any = 0;
                    for (int r = 0; r < mr; r++)
                    {
                        any |= a[r * rs + kk];
                    }
                    word |= (any & 0x7FFF_FFFFu) != 0 ? 1UL << (kk - start) : 0;
                }
                bits[start >> 6] = word;
            }
            ListSetBits(bits, k, lists + block * (k + 2));
        }
    }

    /// <summary>Lists for <paramref name="blocks"/> row blocks from row <paramref name="i0"/> when each column of A is
    /// contiguous in rows (a weight gradient xᵀ·dz: the rows are inputs, k the samples).</summary>
    private static void ListNonZeroColumnsOfColumns(GemmJob* g, int i0, int blocks, int mr, int* lists, ulong* bits)
    {
        int k = g->K;
        nint cs = g->AColStride;
        // A block's mr (6 or 8) adjacent inputs of one sample: two 4-float loads, overlapping for 6.
        nint high = mr - 4;
        Vector128<uint> magnitude = Vector128.Create(0x7FFF_FFFFu);
        for (int block = 0; block < blocks; block++)
        {
            uint* a = (uint*)(g->A + i0 + block * mr);
            for (int start = 0; start < k; start += 64)
            {
                int end = Math.Min(k, start + 64);
                ulong word = 0;
                for (int kk = start; kk < end; kk++)
                {
                    uint* column = a + kk * cs;
                    Vector128<uint> any = (Vector128.Load(column) | Vector128.Load(column + high)) & magnitude;
                    word |= any != Vector128<uint>.Zero ? 1UL << (kk - start) : 0;
                }
                bits[start >> 6] = word;
            }
            ListSetBits(bits, k, lists + block * (k + 2));
        }
    }

    /// <summary>list[0] = n, list[1…n] = the indices of the set bits among the first <paramref name="count"/>, then the
    /// sentinel <paramref name="count"/>; only list[0] = count when every bit is set (the tile then sums every k, and
    /// dense inputs skip the appends).</summary>
    private static void ListSetBits(ulong* bits, int count, int* list)
    {
        int words = (count + 63) / 64;
        int set = 0;
        for (int w = 0; w < words; w++)
        {
            set += System.Numerics.BitOperations.PopCount(bits[w]);
        }
        if (set == count)
        {
            list[0] = count;
            return;
        }
        int n = 0;
        for (int w = 0; w < words; w++)
        {
            for (ulong m = bits[w]; m != 0; m &= m - 1)
            {
                list[1 + n++] = w * 64 + System.Numerics.BitOperations.TrailingZeroCount(m);
            }
        }
        list[1 + n] = count;
        list[0] = n;
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
        int k = g->K;
        for (int i = 0; i < g->M; i++)
        {
            float* a = g->A + i * g->ARowStride;
            nint cs = g->AColStride;
            float* c = g->C + i * g->Ldc;
            int cb = c0;
            for (; cb + blocksPerPass <= c1 && (cb + blocksPerPass) * nr <= g->N; cb += blocksPerPass)
            {
                int j = cb * nr;
                switch (SimdHelpers.Width)
                {
                    case 512: Row512(a, cs, g->B + j, g->Ldb, k, tile, g->SkipZeroInputs); break;
                    case 256: Row256(a, cs, g->B + j, g->Ldb, k, tile, g->SkipZeroInputs); break;
                    default: Row128(a, cs, g->B + j, g->Ldb, k, tile, g->SkipZeroInputs); break;
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
                        case 512: Row512Single(a, cs, b + v, ldb, k, tile + v, g->SkipZeroInputs); break;
                        case 256: Row256Single(a, cs, b + v, ldb, k, tile + v, g->SkipZeroInputs); break;
                        default: Row128Single(a, cs, b + v, ldb, k, tile + v, g->SkipZeroInputs); break;
                    }
                }
                Epilogue(g, c + j, tile, nr, 1, cols, g->Bias == null ? null : g->Bias + j);
            }
        }
    }

    /// <summary>row[256] = a[1×K]·B[K×256] (B row stride ldb) with 16 Vector512 accumulators.</summary>
    private static void Row512(float* a, nint cs, float* b, nint ldb, int k, float* row, bool skipZeros)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (; k > 0; k--, a += cs, b += ldb)
        {
            float x = *a;
            if (skipZeros && x == 0f)
            {
                continue; // see RowsPart: a zero input adds nothing
            }
            Vector512<float> av = Vector512.Create(x);
            c0 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b), c0);
            c1 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 16), c1);
            c2 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 32), c2);
            c3 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 48), c3);
            c4 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 64), c4);
            c5 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 80), c5);
            c6 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 96), c6);
            c7 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 112), c7);
            c8 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 128), c8);
            c9 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 144), c9);
            c10 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 160), c10);
            c11 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 176), c11);
            c12 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 192), c12);
            c13 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 208), c13);
            c14 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 224), c14);
            c15 = SimdHelpers.MultiplyAdd(av, Vector512.Load(b + 240), c15);
        }
        c0.Store(row); c1.Store(row + 16); c2.Store(row + 32); c3.Store(row + 48);
        c4.Store(row + 64); c5.Store(row + 80); c6.Store(row + 96); c7.Store(row + 112);
        c8.Store(row + 128); c9.Store(row + 144); c10.Store(row + 160); c11.Store(row + 176);
        c12.Store(row + 192); c13.Store(row + 208); c14.Store(row + 224); c15.Store(row + 240);
    }

    /// <summary>row[64] = a[1×K]·B[K×64] (B row stride ldb) with 8 Vector256 accumulators.</summary>
    private static void Row256(float* a, nint cs, float* b, nint ldb, int k, float* row, bool skipZeros)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (; k > 0; k--, a += cs, b += ldb)
        {
            float x = *a;
            if (skipZeros && x == 0f)
            {
                continue; // see RowsPart: a zero input adds nothing
            }
            Vector256<float> av = Vector256.Create(x);
            c0 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b), c0);
            c1 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 8), c1);
            c2 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 16), c2);
            c3 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 24), c3);
            c4 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 32), c4);
            c5 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 40), c5);
            c6 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 48), c6);
            c7 = SimdHelpers.MultiplyAdd(av, Vector256.Load(b + 56), c7);
        }
        c0.Store(row); c1.Store(row + 8); c2.Store(row + 16); c3.Store(row + 24);
        c4.Store(row + 32); c5.Store(row + 40); c6.Store(row + 48); c7.Store(row + 56);
    }

    /// <summary>row[32] = a[1×K]·B[K×32] (B row stride ldb) with 8 Vector128 accumulators.</summary>
    private static void Row128(float* a, nint cs, float* b, nint ldb, int k, float* row, bool skipZeros)
    {
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (; k > 0; k--, a += cs, b += ldb)
        {
            float x = *a;
            if (skipZeros && x == 0f)
            {
                continue; // see RowsPart: a zero input adds nothing
            }
            Vector128<float> av = Vector128.Create(x);
            c0 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b), c0);
            c1 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 4), c1);
            c2 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 8), c2);
            c3 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 12), c3);
            c4 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 16), c4);
            c5 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 20), c5);
            c6 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 24), c6);
            c7 = SimdHelpers.MultiplyAdd(av, Vector128.Load(b + 28), c7);
        }
        c0.Store(row); c1.Store(row + 4); c2.Store(row + 8); c3.Store(row + 12);
        c4.Store(row + 16); c5.Store(row + 20); c6.Store(row + 24); c7.Store(row + 28);
    }

    /// <summary>row[16] = a[1×K]·B[K×16]: one vector, for the blocks left over after whole passes.</summary>
    private static void Row512Single(float* a, nint cs, float* b, nint ldb, int k, float* row, bool skipZeros)
    {
        Vector512<float> c0 = default;
        for (; k > 0; k--, a += cs, b += ldb)
        {
            float x = *a;
            if (!skipZeros || x != 0f)
            {
                c0 = SimdHelpers.MultiplyAdd(Vector512.Create(x), Vector512.Load(b), c0);
            }
        }
        c0.Store(row);
    }

    /// <summary>row[8] = a[1×K]·B[K×8]: one vector, for the blocks left over after whole passes.</summary>
    private static void Row256Single(float* a, nint cs, float* b, nint ldb, int k, float* row, bool skipZeros)
    {
        Vector256<float> c0 = default;
        for (; k > 0; k--, a += cs, b += ldb)
        {
            float x = *a;
            if (!skipZeros || x != 0f)
            {
                c0 = SimdHelpers.MultiplyAdd(Vector256.Create(x), Vector256.Load(b), c0);
            }
        }
        c0.Store(row);
    }

    /// <summary>row[4] = a[1×K]·B[K×4]: one vector, for the blocks left over after whole passes.</summary>
    private static void Row128Single(float* a, nint cs, float* b, nint ldb, int k, float* row, bool skipZeros)
    {
        Vector128<float> c0 = default;
        for (; k > 0; k--, a += cs, b += ldb)
        {
            float x = *a;
            if (!skipZeros || x != 0f)
            {
                c0 = SimdHelpers.MultiplyAdd(Vector128.Create(x), Vector128.Load(b), c0);
            }
        }
        c0.Store(row);
    }

    /// <summary>
    /// acc[8×32] = A[8×K]·B[K×32] with 16 Vector512 accumulators, then each row stored to <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>) by <paramref name="store"/>.
    /// </summary>
    /// <remarks>
    /// Generic over the store, so each epilogue compiles into its own small copy of the kernel: with every epilogue
    /// behind runtime branches in one method, adding the activation derivative grew it to 16.7 KB, past the JIT's
    /// inlining budget, and slowed every tile (the 128×512, K = 10 product 14.7 → 26.5 µs).
    /// </remarks>
    private static void Tile512<TStore, TSteps>(float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* c, nint ldc, TStore store)
        where TStore : struct, ITileStore
        where TSteps : struct, IReductionSteps
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        nint rs2 = rs + rs;
        nint rs3 = rs2 + rs;
        nint rs4 = rs2 + rs2;
        int count = steps.Count;
        float* a0 = a + steps.First * cs;
        float* bk = b + steps.First * ldb;
        for (int n = 0; n < count; n++)
        {
            float* a4 = a0 + rs4;
            Vector512<float> b0 = Vector512.Load(bk);
            Vector512<float> b1 = Vector512.Load(bk + 16);
            Vector512<float> av = Vector512.Create(a0[0]);
            c00 = SimdHelpers.MultiplyAdd(av, b0, c00);
            c01 = SimdHelpers.MultiplyAdd(av, b1, c01);
            av = Vector512.Create(a0[rs]);
            c10 = SimdHelpers.MultiplyAdd(av, b0, c10);
            c11 = SimdHelpers.MultiplyAdd(av, b1, c11);
            av = Vector512.Create(a0[rs2]);
            c20 = SimdHelpers.MultiplyAdd(av, b0, c20);
            c21 = SimdHelpers.MultiplyAdd(av, b1, c21);
            av = Vector512.Create(a0[rs3]);
            c30 = SimdHelpers.MultiplyAdd(av, b0, c30);
            c31 = SimdHelpers.MultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = SimdHelpers.MultiplyAdd(av, b0, c40);
            c41 = SimdHelpers.MultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[rs]);
            c50 = SimdHelpers.MultiplyAdd(av, b0, c50);
            c51 = SimdHelpers.MultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[rs2]);
            c60 = SimdHelpers.MultiplyAdd(av, b0, c60);
            c61 = SimdHelpers.MultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[rs3]);
            c70 = SimdHelpers.MultiplyAdd(av, b0, c70);
            c71 = SimdHelpers.MultiplyAdd(av, b1, c71);
            nint next = steps.ToNext(n);
            a0 += next * cs;
            bk += next * ldb;
        }
        store.Row(c, c00, c01);
        store.Row(c + ldc, c10, c11);
        store.Row(c + 2 * ldc, c20, c21);
        store.Row(c + 3 * ldc, c30, c31);
        c += 4 * ldc;
        store.Row(c, c40, c41);
        store.Row(c + ldc, c50, c51);
        store.Row(c + 2 * ldc, c60, c61);
        store.Row(c + 3 * ldc, c70, c71);
    }

    /// <summary>A full two-vector tile at the widest width: 8×32 with Vector512, 6×16 with Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TStore, TSteps>(float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* c, nint ldc, TStore store)
        where TStore : struct, ITileStore
        where TSteps : struct, IReductionSteps
    {
        System.Diagnostics.Debug.Assert(SimdHelpers.Width >= 256, "the Vector128 tiles always go through the scratch");
        if (SimdHelpers.Width == 512)
        {
            Tile512(a, rs, cs, b, ldb, steps, c, ldc, store);
        }
        else
        {
            Tile256(a, rs, cs, b, ldb, steps, c, ldc, store);
        }
    }

    /// <summary>A full gradient tile: C = acc ⊙ act′(Y), with the derivative as a type so it inlines.</summary>
    private static void GradientTile(GemmJob* g, float* a, nint rs, nint cs, float* b, nint ldb, int k, float* c)
    {
        nint y = (nint)(g->Y - g->C);
        switch (g->Activation)
        {
            case Activation.ReLU: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<ReluDerivative>(y, new ReluDerivative())); break;
            case Activation.LeakyReLU: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<LeakyReluDerivative>(y, new LeakyReluDerivative(g->Alpha))); break;
            case Activation.Sigmoid: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<SigmoidDerivative>(y, new SigmoidDerivative())); break;
            default: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<TanhDerivative>(y, new TanhDerivative())); break;
        }
    }

    /// <summary>Every k = 0…count−1.</summary>
    private readonly struct EveryStep(int count) : IReductionSteps
    {
        public int Count => count;

        public nint First => 0;

        public nint ToNext(int n) => 1;
    }

    /// <summary>A row block's listed k (<see cref="ListNonZeroColumnsOfRows"/>, <see cref="ListNonZeroColumnsOfColumns"/>):
    /// list[0] of them in list[1…], then a sentinel. Only for list[0] &lt; K: a full list is not written out.</summary>
    private readonly struct ListedSteps(int* list) : IReductionSteps
    {
        public int Count => list[0];

        public nint First => list[1];

        public nint ToNext(int n) => list[n + 2] - list[n + 1];
    }

    /// <summary>How one row of a two-vector tile leaves its registers: 32 floats of a Vector512 tile (lo = columns 0–15,
    /// hi = 16–31) or 16 of a Vector256 one (lo = 0–7, hi = 8–15).</summary>
    /// <remarks>Every store does the same lane-wise operations, in the same order, as <see cref="Epilogue"/>, so a tile's
    /// bits do not depend on which path stored it.</remarks>
    private interface ITileStore
    {
        void Row(float* c, Vector512<float> lo, Vector512<float> hi);

        void Row(float* c, Vector256<float> lo, Vector256<float> hi);
    }

    /// <summary>tile = acc; <see cref="Epilogue"/> writes C.</summary>
    private readonly struct ScratchStore : ITileStore
    {
        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            lo.Store(c);
            hi.Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            lo.Store(c);
            hi.Store(c + 8);
        }
    }

    /// <summary>C += acc.</summary>
    private readonly struct AccumulateStore : ITileStore
    {
        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            (Vector512.Load(c) + lo).Store(c);
            (Vector512.Load(c + 16) + hi).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            (Vector256.Load(c) + lo).Store(c);
            (Vector256.Load(c + 8) + hi).Store(c + 8);
        }
    }

    /// <summary>C = acc, or acc + bias (the tile's columns of it; null for none).</summary>
    /// <remarks>The bias is loaded per row rather than held in registers: it must be loaded at the tile's width (a
    /// 16-column Vector256 tile may sit at the end of the bias), and 8 or 6 loads from L1 are nothing next to the tile.</remarks>
    private readonly struct LinearStore(float* bias) : ITileStore
    {
        public Vector512<float> Lo(Vector512<float> lo) => bias != null ? lo + Vector512.Load(bias) : lo;

        public Vector512<float> Hi(Vector512<float> hi) => bias != null ? hi + Vector512.Load(bias + 16) : hi;

        public Vector256<float> Lo(Vector256<float> lo) => bias != null ? lo + Vector256.Load(bias) : lo;

        public Vector256<float> Hi(Vector256<float> hi) => bias != null ? hi + Vector256.Load(bias + 8) : hi;

        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            Lo(lo).Store(c);
            Hi(hi).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            Lo(lo).Store(c);
            Hi(hi).Store(c + 8);
        }
    }

    /// <summary>C = max(0, acc), or max(0, acc + bias), exactly as <see cref="SimdHelpers.Relu(Vector512{float})"/>.</summary>
    private readonly struct ReluStore(float* bias) : ITileStore
    {
        private readonly LinearStore _linear = new(bias);

        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            SimdHelpers.Relu(_linear.Lo(lo)).Store(c);
            SimdHelpers.Relu(_linear.Hi(hi)).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            SimdHelpers.Relu(_linear.Lo(lo)).Store(c);
            SimdHelpers.Relu(_linear.Hi(hi)).Store(c + 8);
        }
    }

    /// <summary>C = acc ⊙ act′(Y), Y <paramref name="y"/> floats after C: the products <see cref="ActivationBackward"/> forms.</summary>
    private readonly struct GradientStore<TOp>(nint y, TOp op) : ITileStore where TOp : struct, IDerivative
    {
        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            (lo * op.Invoke(Vector512.Load(c + y))).Store(c);
            (hi * op.Invoke(Vector512.Load(c + y + 16))).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            (lo * op.Invoke(Vector256.Load(c + y))).Store(c);
            (hi * op.Invoke(Vector256.Load(c + y + 8))).Store(c + 8);
        }
    }

    /// <summary>
    /// acc[6×16] = A[6×K]·B[K×16] with 12 Vector256 accumulators, then each row stored to <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>) by <paramref name="store"/>; generic over both like <see cref="Tile512"/>.
    /// </summary>
    private static void Tile256<TStore, TSteps>(float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* c, nint ldc, TStore store)
        where TStore : struct, ITileStore
        where TSteps : struct, IReductionSteps
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint rs2 = rs + rs;
        nint rs3 = rs2 + rs;
        int count = steps.Count;
        float* a0 = a + steps.First * cs;
        float* bk = b + steps.First * ldb;
        for (int n = 0; n < count; n++)
        {
            float* a3 = a0 + rs3;
            Vector256<float> b0 = Vector256.Load(bk);
            Vector256<float> b1 = Vector256.Load(bk + 8);
            Vector256<float> av = Vector256.Create(a0[0]);
            c00 = SimdHelpers.MultiplyAdd(av, b0, c00);
            c01 = SimdHelpers.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a0[rs]);
            c10 = SimdHelpers.MultiplyAdd(av, b0, c10);
            c11 = SimdHelpers.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a0[rs2]);
            c20 = SimdHelpers.MultiplyAdd(av, b0, c20);
            c21 = SimdHelpers.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[0]);
            c30 = SimdHelpers.MultiplyAdd(av, b0, c30);
            c31 = SimdHelpers.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a3[rs]);
            c40 = SimdHelpers.MultiplyAdd(av, b0, c40);
            c41 = SimdHelpers.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a3[rs2]);
            c50 = SimdHelpers.MultiplyAdd(av, b0, c50);
            c51 = SimdHelpers.MultiplyAdd(av, b1, c51);
            nint next = steps.ToNext(n);
            a0 += next * cs;
            bk += next * ldb;
        }
        store.Row(c, c00, c01);
        store.Row(c + ldc, c10, c11);
        store.Row(c + 2 * ldc, c20, c21);
        c += 3 * ldc;
        store.Row(c, c30, c31);
        store.Row(c + ldc, c40, c41);
        store.Row(c + 2 * ldc, c50, c51);
    }

    /// <summary>tile[6×8] = A[6×K]·panel[K×8] with 12 Vector128 accumulators.</summary>
    private static void Tile128(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a0 = a;
        float* a3 = a + 3 * rs;
        nint rs2 = rs + rs;
        for (; k > 0; k--)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a0[0]);
            c00 = SimdHelpers.MultiplyAdd(av, b0, c00);
            c01 = SimdHelpers.MultiplyAdd(av, b1, c01);
            av = Vector128.Create(a0[rs]);
            c10 = SimdHelpers.MultiplyAdd(av, b0, c10);
            c11 = SimdHelpers.MultiplyAdd(av, b1, c11);
            av = Vector128.Create(a0[rs2]);
            c20 = SimdHelpers.MultiplyAdd(av, b0, c20);
            c21 = SimdHelpers.MultiplyAdd(av, b1, c21);
            av = Vector128.Create(a3[0]);
            c30 = SimdHelpers.MultiplyAdd(av, b0, c30);
            c31 = SimdHelpers.MultiplyAdd(av, b1, c31);
            av = Vector128.Create(a3[rs]);
            c40 = SimdHelpers.MultiplyAdd(av, b0, c40);
            c41 = SimdHelpers.MultiplyAdd(av, b1, c41);
            av = Vector128.Create(a3[rs2]);
            c50 = SimdHelpers.MultiplyAdd(av, b0, c50);
            c51 = SimdHelpers.MultiplyAdd(av, b1, c51);
            a0 += cs;
            a3 += cs;
            b += ldb;
        }
        c00.Store(tile); c01.Store(tile + 4);
        c10.Store(tile + 8); c11.Store(tile + 12);
        c20.Store(tile + 16); c21.Store(tile + 20);
        c30.Store(tile + 24); c31.Store(tile + 28);
        c40.Store(tile + 32); c41.Store(tile + 36);
        c50.Store(tile + 40); c51.Store(tile + 44);
    }

    /// <summary>tile[8×16] = A[8×K]·panel[K×16] with 8 Vector512 accumulators (results one vector wide).</summary>
    private static void Tile512Narrow(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        float* a0 = a;
        float* a4 = a + 4 * rs;
        nint rs2 = rs + rs;
        nint rs3 = rs2 + rs;
        for (; k > 0; k--)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[0]), b0, c0);
            c1 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[rs]), b0, c1);
            c2 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[rs2]), b0, c2);
            c3 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[rs3]), b0, c3);
            c4 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[0]), b0, c4);
            c5 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[rs]), b0, c5);
            c6 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[rs2]), b0, c6);
            c7 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[rs3]), b0, c7);
            a0 += cs;
            a4 += cs;
            b += ldb;
        }
        c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
        c4.Store(tile + 64); c5.Store(tile + 80); c6.Store(tile + 96); c7.Store(tile + 112);
    }

    /// <summary>tile[6×8] = A[6×K]·panel[K×8] with 6 Vector256 accumulators (results one vector wide).</summary>
    private static void Tile256Narrow(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        float* a0 = a;
        float* a3 = a + 3 * rs;
        nint rs2 = rs + rs;
        for (; k > 0; k--)
        {
            Vector256<float> b0 = Vector256.Load(b);
            c0 = SimdHelpers.MultiplyAdd(Vector256.Create(a0[0]), b0, c0);
            c1 = SimdHelpers.MultiplyAdd(Vector256.Create(a0[rs]), b0, c1);
            c2 = SimdHelpers.MultiplyAdd(Vector256.Create(a0[rs2]), b0, c2);
            c3 = SimdHelpers.MultiplyAdd(Vector256.Create(a3[0]), b0, c3);
            c4 = SimdHelpers.MultiplyAdd(Vector256.Create(a3[rs]), b0, c4);
            c5 = SimdHelpers.MultiplyAdd(Vector256.Create(a3[rs2]), b0, c5);
            a0 += cs;
            a3 += cs;
            b += ldb;
        }
        c0.Store(tile); c1.Store(tile + 8); c2.Store(tile + 16);
        c3.Store(tile + 24); c4.Store(tile + 32); c5.Store(tile + 40);
    }

    /// <summary>tile[6×4] = A[6×K]·panel[K×4] with 6 Vector128 accumulators (results one vector wide).</summary>
    private static void Tile128Narrow(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        float* a0 = a;
        float* a3 = a + 3 * rs;
        nint rs2 = rs + rs;
        for (; k > 0; k--)
        {
            Vector128<float> b0 = Vector128.Load(b);
            c0 = SimdHelpers.MultiplyAdd(Vector128.Create(a0[0]), b0, c0);
            c1 = SimdHelpers.MultiplyAdd(Vector128.Create(a0[rs]), b0, c1);
            c2 = SimdHelpers.MultiplyAdd(Vector128.Create(a0[rs2]), b0, c2);
            c3 = SimdHelpers.MultiplyAdd(Vector128.Create(a3[0]), b0, c3);
            c4 = SimdHelpers.MultiplyAdd(Vector128.Create(a3[rs]), b0, c4);
            c5 = SimdHelpers.MultiplyAdd(Vector128.Create(a3[rs2]), b0, c5);
            a0 += cs;
            a3 += cs;
            b += ldb;
        }
        c0.Store(tile); c1.Store(tile + 4); c2.Store(tile + 8);
        c3.Store(tile + 12); c4.Store(tile + 16); c5.Store(tile + 20);
    }

    /// <summary>
    /// C = tile ⊙ act′(Y) for the first <paramref name="rows"/> × <paramref name="cols"/> of a tile (row stride
    /// <paramref name="tileStride"/>), Y at C's position in its own arena.
    /// </summary>
    private static void StoreGradient(GemmJob* g, float* c, float* tile, nint tileStride, int rows, int cols)
    {
        float* y = g->Y + (c - g->C);
        switch (g->Activation)
        {
            case Activation.ReLU: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new ReluDerivative()); break;
            case Activation.LeakyReLU: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new LeakyReluDerivative(g->Alpha)); break;
            case Activation.Sigmoid: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new SigmoidDerivative()); break;
            default: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new TanhDerivative()); break;
        }
    }

    /// <summary>Row by row through the loop <see cref="ActivationBackward"/> runs, so the bits match it.</summary>
    private static void StoreGradient<TOp>(float* c, float* tile, nint tileStride, float* y, nint ldc, int rows, int cols, TOp op)
        where TOp : struct, IDerivative
    {
        for (int r = 0; r < rows; r++, c += ldc, y += ldc, tile += tileStride)
        {
            Apply(new Span<float>(c, cols), new ReadOnlySpan<float>(tile, cols), new ReadOnlySpan<float>(y, cols), op);
        }
    }

    /// <summary>
    /// Writes the first <paramref name="rows"/> × <paramref name="cols"/> of a tile (row stride <paramref name="nr"/>) to C:
    /// C = act(acc + bias) or C += acc. Whole vectors first, then scalars; which elements take which path depends only on
    /// the column block, never on the thread split.
    /// </summary>
    private static void Epilogue(GemmJob* g, float* c, float* tile, int nr, int rows, int cols, float* bias)
    {
        if (g->Store == GemmStore.Gradient)
        {
            StoreGradient(g, c, tile, nr, rows, cols);
            return;
        }
        for (int r = 0; r < rows; r++, c += g->Ldc, tile += nr)
        {
            int o = 0;
            if (g->Store == GemmStore.Accumulate)
            {
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; o <= cols - Vector256<float>.Count; o += Vector256<float>.Count)
                    {
                        (Vector256.Load(c + o) + Vector256.Load(tile + o)).Store(c + o);
                    }
                }
                for (; o <= cols - Vector128<float>.Count; o += Vector128<float>.Count)
                {
                    (Vector128.Load(c + o) + Vector128.Load(tile + o)).Store(c + o);
                }
                for (; o < cols; o++)
                {
                    c[o] += tile[o];
                }
                continue;
            }

            if (Vector256.IsHardwareAccelerated && g->Activation != Activation.Tanh)
            {
                Vector256<float> alpha = Vector256.Create(g->Alpha);
                for (; o <= cols - Vector256<float>.Count; o += Vector256<float>.Count)
                {
                    Vector256<float> z = Vector256.Load(tile + o);
                    if (bias != null)
                    {
                        z += Vector256.Load(bias + o);
                    }
                    z = g->Activation switch
                    {
                        Activation.ReLU => SimdHelpers.Relu(z),
                        Activation.LeakyReLU => SimdHelpers.LeakyRelu(z, alpha),
                        Activation.Sigmoid => SimdHelpers.Sigmoid(z),
                        _ => z,
                    };
                    z.Store(c + o);
                }
            }
            if (g->Activation != Activation.Tanh)
            {
                Vector128<float> alpha = Vector128.Create(g->Alpha);
                for (; o <= cols - Vector128<float>.Count; o += Vector128<float>.Count)
                {
                    Vector128<float> z = Vector128.Load(tile + o);
                    if (bias != null)
                    {
                        z += Vector128.Load(bias + o);
                    }
                    z = g->Activation switch
                    {
                        Activation.ReLU => SimdHelpers.Relu(z),
                        Activation.LeakyReLU => SimdHelpers.LeakyRelu(z, alpha),
                        Activation.Sigmoid => SimdHelpers.Sigmoid(z),
                        _ => z,
                    };
                    z.Store(c + o);
                }
            }
            // Tanh has no vector intrinsic; MathF.Tanh per element is exact and costs little next to the GEMM.
            for (; o < cols; o++)
            {
                float z = tile[o] + (bias != null ? bias[o] : 0f);
                c[o] = Reference.Activate(z, g->Activation, g->Alpha);
            }
        }
    }

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
        for (int r = 0; r < mr; r++)
        {
            float* dst = aTail + r;
            if (r < rows)
            {
                float* src = g->A + (i + r) * g->ARowStride;
                nint cs = g->AColStride;
                for (int k = 0; k < g->K; k++)
                {
                    dst[k * mr] = src[k * cs];
                }
            }
            else
            {
                for (int k = 0; k < g->K; k++)
                {
                    dst[k * mr] = 0f;
                }
            }
        }
    }

    /// <summary>Per-thread packing scratch: pinned, 64-byte aligned, grown only when a call needs more than any before.</summary>
    private static class GemmScratch
    {
        [ThreadStatic]
        private static float[]? t_buffer;

        public static float* Get(nint floats)
        {
            float[]? buffer = t_buffer;
            if (buffer is null || buffer.Length < floats + 16)
            {
                buffer = GC.AllocateUninitializedArray<float>(checked((int)floats + 16), pinned: true);
                t_buffer = buffer;
            }
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (float*)((address + 63) & ~(nuint)63);
        }
    }
}
