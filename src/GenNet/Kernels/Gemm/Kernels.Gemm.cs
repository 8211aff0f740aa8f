namespace GenNet;

// The one GEMM engine behind the three dense kernels (Kernels.Dense.cs): C[M×N] = epilogue(A[M×K]·B[K×N]). This file
// owns its entry (the job, RunGemm); the other files of Gemm/ hold one job each: Partition (threads), Blocking (the
// block loop and the choice of tile), ZeroLists, OneRow, Packing, Epilogue, Tiles128 and Scratch.
//
// Shape: the result is cut into tiles of MR rows × 2 vectors (8×32 for Vector512, 6×16 for Vector256, 6×8 for
// Vector128), each computed by a register-blocked micro-kernel holding 16 or 12 accumulators; a result at most one
// vector wide (the 10 logits) takes one-vector tiles instead. The Vector512 and Vector256 micro-kernels are the
// generated layer's (Kernels.DenseLayer.cs): the generator emits them per layer, with the layer's sizes as constants,
// and they exist nowhere else; the engine runs the fused one on full tiles and the accumulator one, followed by its own
// Epilogue, on row and column tails. The Vector128 tiles and the scalar path are the engine's.
//
// B: with Vector512, a full column block of an untransposed B (w in x·w, dz in xᵀ·dz) is read in place through its row
// stride: packing it cost a copy of all of W per call (1.6 MB for 784×512, ≈ 5% of a batch-128 forward) and bought no
// speed, Zen 4's prefetchers follow the 2 KiB stride. The narrower tiles pack every column block into a contiguous panel:
// a 6×16 Vector256 tile reads one cache line of B per k, a new 4 KiB page every other k, in a third of the time an 8×32
// tile spends per k; packed, the AVX2 path's 784×512 products went from 70% and 59% of peak to 84% and 82% (the SSE
// path's from 3.8 and 4.0 ms to 3.0 and 3.3 ms). wᵀ (for dz·wᵀ, packed transposed so it runs on the same micro-kernel)
// and a short last column block (zero-padded, so column tails need no masking: padding lanes compute zeros the epilogue
// never stores) are packed at every width, into the per-thread, 64-byte aligned scratch. A last block of at most one
// vector's columns in a wider product is packed one vector wide and runs the layer's one-vector tail tile (100 columns
// with Vector256: 6 blocks of 16 and 4 left), which costs about two thirds of the padded two-vector tile. A is read in place through a
// row and a column stride, which is how one micro-kernel serves x·w (A = x), xᵀ·dz (A = x read transposed) and dz·wᵀ; a
// short last row block is copied into a zero-padded MR-row scratch first. A result with fewer rows than one tile
// (single-sample Forward) skips tiles altogether: see RowsPart.
//
// Determinism: every C element is acc = fma(a_k, b_k, acc) over increasing k from acc = 0 (all k = 0…K−1, or all but
// skipped zero terms, below), then the epilogue, in the same lane-wise operations whatever tile, part or thread it
// falls in (a fused tile's epilogue is the Epilogue's, lane for lane); so any split gives the same bits.
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

    /// <summary>Which of a Dense layer's three products a job is: picks a generated layer's tile (Kernels.DenseLayer.cs).</summary>
    private enum GemmProduct : byte
    {
        /// <summary>y = act(x·w + bias).</summary>
        Forward,
        /// <summary>dw = xᵀ·dz.</summary>
        WeightGradient,
        /// <summary>dx = (dz·wᵀ) ⊙ act′(y).</summary>
        InputGradient,
        /// <summary>y = act(w·colᵀ + bias[row]): a convolution's forward product with its filters as rows and its output
        /// positions as columns, so that y comes out in CHW order; runs the layer's positions-shaped tiles.</summary>
        PositionsForward,
    }

    private enum GemmStore : byte
    {
        /// <summary>C = act(acc + bias).</summary>
        Overwrite,
        /// <summary>C = acc ⊙ act′(Y), Y laid out as C: an input gradient with the previous layer's derivative applied.</summary>
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
        /// <summary>Bias[N] added before the activation (Bias[M], one per row, for <see cref="GemmProduct.PositionsForward"/>), or null.</summary>
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
}
