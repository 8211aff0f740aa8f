using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenNet;

/// <summary>The sizes of one 2-D convolution, all known when the network is generated.</summary>
/// <param name="Channels">C: input channels.</param>
/// <param name="Height">H: input rows.</param>
/// <param name="Width">W: input columns.</param>
/// <param name="Filters">F: output channels.</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="Stride">S, down and across.</param>
/// <param name="PadTop">Zero rows above the input.</param>
/// <param name="PadLeft">Zero columns left of the input.</param>
/// <param name="OutHeight">OH.</param>
/// <param name="OutWidth">OW.</param>
public readonly record struct Conv2DGeometry(int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth,
    int Stride, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>Floats of one input sample, C·H·W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats of one output sample, F·OH·OW.</summary>
    public int OutputSize => Filters * OutHeight * OutWidth;

    /// <summary>Floats of the weights, F·C·KH·KW.</summary>
    public int WeightCount => Filters * Channels * KernelHeight * KernelWidth;

    /// <summary>
    /// Whether <paramref name="outputs"/> positions are what some zero padding after the input (less than the kernel, as
    /// before it) gives: ⌊(n + before + after − k) / S⌋ + 1. The kernels' padded plane, (OH − 1)·S + KH rows, then
    /// holds every row the patches read.
    /// </summary>
    private bool Consistent(int n, int kernel, int before, int outputs)
    {
        long low = Math.Max(0L, (outputs - 1L) * Stride + kernel - n - before);
        long high = Math.Min(kernel - 1L, (long)outputs * Stride + kernel - n - before - 1);
        return before < kernel && low <= high;
    }

    internal void Check(int batch, int x, int y, int w, int bias, string xName, string yName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (Channels < 1 || Height < 1 || Width < 1 || Filters < 1 || KernelHeight < 1 || KernelWidth < 1 || Stride < 1
            || OutHeight < 1 || OutWidth < 1 || PadTop < 0 || PadLeft < 0
            || !Consistent(Height, KernelHeight, PadTop, OutHeight) || !Consistent(Width, KernelWidth, PadLeft, OutWidth)
            || (long)Channels * Height * Width > int.MaxValue || (long)Filters * OutHeight * OutWidth > int.MaxValue
            || (long)Filters * Channels * KernelHeight * KernelWidth > int.MaxValue
            || (long)OutHeight * OutWidth * Channels * KernelHeight * KernelWidth > int.MaxValue / 4
            || (long)Channels * ((OutHeight - 1L) * Stride + KernelHeight) * ((OutWidth - 1L) * Stride + KernelWidth) > int.MaxValue / 4)
        {
            throw new ArgumentException($"Not a convolution the kernels can run: {this}.", nameof(Conv2DGeometry));
        }
        Guard.Rows(x, batch, InputSize, xName);
        Guard.Rows(y, batch, OutputSize, yName);
        Guard.Rows(w, 1, WeightCount, "w");
        if (bias != 0 && bias < Filters)
        {
            throw new ArgumentException($"bias holds {bias} values; {Filters} filters need {Filters} (or none).", nameof(bias));
        }
    }
}

// Convolution as the three products of a Dense layer over patches (im2col), run by the GEMM engine (Gemm/) on the
// register tiles the generator emits for the layer (TLayer: Inputs = K = C·KH·KW taps, Outputs = F filters, and
// InputGradientColumns = P = OH·OW output positions). One sample's patches are the rows of col[P × K]
// (col[p, (c, u, v)] = x[c, i·S + u − top, j·S + v − left], zero outside the image); w is stored [F × K] (F × C × KH × KW,
// as model files and ONNX want it):
//   forward            y[F × P] = act(w·colᵀ + b[f])  (w read as it is; y comes out CHW)   (per sample)
//   weight gradient    dw′[K × F] = Σ_samples colᵀ·dzᵀ,  dw = dw′ᵀ; db[f] = Σ dz[·, f, ·]  (overwrite)
//   input gradient     dcolᵀ[K × P] = wᵀ·dz (w and dz read as they are),  dx = col2im(dcol)  (per sample, overwrite)
// The forward pass and the weight gradient build the patches transposed, colT[K × P] (each tap's positions in a row,
// copied in runs along the image's rows): the forward product reads it as its B, the weight gradient as col through
// the engine's strides. The forward product has the filters as rows and the positions as columns, so its tiles are the
// P-wide ones the input gradient uses (with a bias per row fused), and neither w nor y is transposed; its patches' rows
// start on cache lines. A sample's patches (139 KB for MNIST's second convolution) are built just before the product
// reads them, so they stay in L2; nothing of them is kept between the passes (the weight gradient builds them again).
// Conv2D's FLOPs are these three products, so the layer runs at the engine's speed less the cost of the copies around
// them.
//
// Threads and bits: the forward pass and the input gradient split the batch (each sample is computed by the same
// instructions on whichever thread; a batch smaller than the pool, as a single-image Forward, splits each sample's
// forward product over the threads instead, see ForwardSplits); the weight gradient splits the taps, the rows of dw′, at
// multiples of the engine's row block, so every row block groups the same taps for any thread count, and each thread
// sums the whole batch in the same fixed chunks of samples (SamplesPerChunk), adding the chunks' products in order; with
// too few taps for the threads it splits the chunks instead and adds their products in the same order after
// (SplitsChunks). So every value is the same bits for any thread count. The sums run as the engine's: fused multiply-adds in increasing k from 0, then
// the bias and the activation; the weight gradient leaves out terms whose input is zero ("Zero skipping" in
// Gemm/Kernels.Gemm.cs), which changes at most the sign of a zero result (and 0·∞ terms). The forward product sums
// every term: its zeros (a first layer's pixels) lie in B, which the engine does not list, and with the filters as rows
// MnistConvNet's first convolution ran faster without its lists than with them (0.73–0.78 against 0.91–1.41 ms). The
// scalar twins (Reference, below) sum the definition in another order, so they agree within rounding; with no hardware
// intrinsics the kernels are the twins. A one-channel 3×3 layer's weight gradient runs by windows instead of as the
// engine's product, in the same order (Kernels.Conv2DWeightGradient3x3.cs); where most of dz is zero (below a max
// pooling), both gradients sum over its non-zero values only, in the same order again (Kernels.Conv2D*Sparse.cs).
public static unsafe partial class Kernels
{
    /// <summary>
    /// y[B×F×OH×OW] = act(b[f] + Σ_c Σ_u Σ_v x[c, i·S + u − top, j·S + v − left] · w[f, c, u, v]), zero outside the image,
    /// for a generated layer <typeparamref name="TLayer"/> (K = C·KH·KW inputs, F outputs, its bias and activation).
    /// </summary>
    /// <remarks>This method effectively computes each sample's patches col[P × K] and then y = act(w·colᵀ + b) with the
    /// filters as rows; see the top of the file. <paramref name="bias"/> is empty exactly when the layer has none.</remarks>
    public static void Conv2DForward<TLayer>(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch,
        in Conv2DGeometry g, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckForwardLayer<TLayer>(g, bias);
        g.Check(batch, x.Length, y.Length, w.Length, bias.Length, nameof(x), nameof(y));
        if (SimdHelpers.Width == 0)
        {
            Reference.Conv2DForward(y, x, w, bias, batch, g, TLayer.Activation, TLayer.Alpha);
            return;
        }
        fixed (float* py = y, px = x, pw = w, pb = bias)
        {
            var job = new ConvJob(g, py, px, pw, bias.IsEmpty ? null : pb, null, batch, winograd: WinogradWeightsOf<TLayer>(pw, g));
            int sampleParts = workers is null || batch >= workers.ThreadCount ? 1 : ForwardSplits(g, workers.ThreadCount);
            if (sampleParts > 1)
            {
                // Fewer samples than threads (a single-image Forward): the samples in turn, each one's product split
                // over the threads by the engine's own split. Same bits: every element is summed by the same instructions.
                for (int b = 0; b < batch; b++)
                {
                    var sample = new ConvJob(g, py + (long)b * g.OutputSize, px + (long)b * g.InputSize, pw, job.Bias, null, 1, winograd: job.Winograd);
                    workers!.Run(&ForwardSplitPart<TLayer>, &sample, sampleParts);
                }
            }
            else
            {
                Split(&ForwardPart<TLayer>, &job, batch, workers);
            }
        }
    }

    /// <summary>dw[f, c, u, v] = Σ_b Σ_i Σ_j dz[b, f, i, j] · x[b, c, i·S + u − top, j·S + v − left]; db[f] = Σ_b Σ_i Σ_j dz[b, f, i, j]
    /// (skipped when <paramref name="db"/> is empty). Both overwrite.</summary>
    /// <remarks>This method effectively computes DenseBackwardParameters over every sample's patches, in chunks of
    /// samples whose products are added in order; db sums each sample's plane in float and the planes in double.</remarks>
    public static void Conv2DBackwardParameters<TLayer>(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch,
        in Conv2DGeometry g, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckLayer<TLayer>(g);
        g.Check(batch, x.Length, dz.Length, dw.Length, db.Length, nameof(x), nameof(dz));
        if (SimdHelpers.Width == 0)
        {
            Reference.Conv2DBackwardParameters(dw, db, x, dz, batch, g);
            return;
        }
        fixed (float* pdw = dw, pdb = db, px = x, pdz = dz)
        {
            var job = new ConvJob(g, pdz, px, pdw, db.IsEmpty ? null : pdb, null, batch);
            BackwardParameters<TLayer>(&job, workers);
        }
    }

    /// <summary>dw = job.W and db = job.Bias (when not null) from x = job.X and dz: job.Y, or with job.FromWinners each
    /// sample's dz built from the max pooling's gradient in the thread's scratch as its product reads it.</summary>
    private static void BackwardParameters<TLayer>(ConvJob* job, WorkerPool? workers)
        where TLayer : struct, IDenseLayerKernels
    {
        Conv2DGeometry g = job->G;
        int batch = job->Batch;
        int taps = g.Channels * g.KernelHeight * g.KernelWidth, chunk = SamplesPerChunk(g), chunks = (batch + chunk - 1) / chunk;
        if (MaySumNonZeroGradients(g, job) && batch > 0 && MostlyZero(job->Y, g.OutputSize))
        {
            Split(&NonZeroWeightGradientPart, job, g.Filters, workers);
        }
        else if (SplitsChunks(taps, chunks, workers?.ThreadCount ?? 1))
        {
            // Every chunk's product in its own slot, then added in chunk order: the one-thread sum, bit for bit.
            int slot = taps * g.Filters;
            float* products = ConvProducts.Get((nint)chunks * slot);
            var chunkJob = new ConvJob(g, job->Y, job->X, job->W, null, products, batch, job->FromWinners);
            Split(&WeightGradientChunksPart<TLayer>, &chunkJob, chunks, workers);
            for (int c = 1; c < chunks; c++)
            {
                Add(products, products + (nint)c * slot, slot);
            }
            StoreTransposed(job->W, products, taps, 0, taps, g.Filters);
        }
        else
        {
            // By windows every part would run all nine taps' pass and keep its own (a 3×3 window's taps are summed
            // together), so the taps are not split.
            var tapsJob = new ConvJob(g, job->Y, job->X, job->W, null, null, batch, job->FromWinners);
            Split(&WeightGradientPart<TLayer>, &tapsJob, WeightGradientBy3x3Windows(g) ? 1 : (taps + TileRows - 1) / TileRows, workers);
        }
        if (job->Bias == null)
        {
            return;
        }
        if (job->FromWinners != null)
        {
            // The planes' sums the products' parts left, added as BiasGradientPart adds them.
            float* sums = job->FromWinners->PlaneSums;
            for (int f = 0; f < g.Filters; f++)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                {
                    sum += sums[(nint)b * g.Filters + f];
                }
                job->Bias[f] = (float)sum;
            }
            return;
        }
        // Filters split over the pool: each db[f] is one thread's sum either way.
        var biasJob = new ConvJob(g, job->Y, null, null, job->Bias, null, batch);
        Split(&BiasGradientPart, &biasJob, g.Filters, workers);
    }

    /// <summary>dx[b, c, y, x] = Σ over the (f, i, j, u, v) that read it of dz[b, f, i, j] · w[f, c, u, v]; overwrites.</summary>
    /// <remarks>This method effectively computes DenseBackwardInput (dcol = dzᵀ·w′ᵀ) per sample, then adds each patch's
    /// gradient back to the pixels it read, patches in order and taps in order within each.</remarks>
    public static void Conv2DBackwardInput<TLayer>(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch,
        in Conv2DGeometry g, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckLayer<TLayer>(g);
        if (!TLayer.HasInputGradientTile)
        {
            throw new InvalidOperationException("A network's first layer has no input gradient.");
        }
        CheckPositions<TLayer>(g);
        g.Check(batch, dx.Length, dz.Length, w.Length, 0, nameof(dx), nameof(dz));
        if (SimdHelpers.Width == 0)
        {
            Reference.Conv2DBackwardInput(dx, dz, w, batch, g);
            return;
        }
        fixed (float* pdx = dx, pdz = dz, pw = w)
        {
            var job = new ConvJob(g, pdz, null, pw, null, pdx, batch);
            Split(&InputGradientPart<TLayer>, &job, batch, workers);
        }
    }

    /// <summary>The checks of a forward pass before the sizes: the layer's tiles fit <paramref name="g"/>, and a bias is
    /// given exactly when the layer has one.</summary>
    private static void CheckForwardLayer<TLayer>(in Conv2DGeometry g, ReadOnlySpan<float> bias)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckLayer<TLayer>(g);
        CheckPositions<TLayer>(g);
        if (bias.IsEmpty == TLayer.HasBias)
        {
            throw new ArgumentException(TLayer.HasBias ? "The layer has a bias; pass it." : "The layer has no bias; pass an empty span.", nameof(bias));
        }
    }

    private static void CheckLayer<TLayer>(in Conv2DGeometry g)
        where TLayer : struct, IDenseLayerKernels
    {
        if (TLayer.Inputs != (long)g.Channels * g.KernelHeight * g.KernelWidth || TLayer.Outputs != g.Filters || TLayer.InputActivation != Activation.None)
        {
            throw new ArgumentException($"The layer's tiles ({TLayer.Inputs} → {TLayer.Outputs}) are not those of {g}.", nameof(g));
        }
    }

    /// <summary>The forward product and the input gradient have the output positions as columns, and their tiles are
    /// shaped by that width, which the layer was generated for.</summary>
    private static void CheckPositions<TLayer>(in Conv2DGeometry g)
        where TLayer : struct, IDenseLayerKernels
    {
        if (TLayer.InputGradientColumns != (long)g.OutHeight * g.OutWidth)
        {
            throw new ArgumentException($"The layer's tiles are for {TLayer.InputGradientColumns} output positions, not the {(long)g.OutHeight * g.OutWidth} of {g}.", nameof(g));
        }
    }

    private readonly struct ConvJob(Conv2DGeometry g, float* y, float* x, float* w, float* bias, float* dx, int batch, WinnersGradient* fromWinners = null,
        float* winograd = null)
    {
        public readonly Conv2DGeometry G = g;
        public readonly float* Y = y, X = x, W = w, Bias = bias, Dx = dx;
        public readonly int Batch = batch;
        public readonly WinnersGradient* FromWinners = fromWinners;
        /// <summary>The forward's transformed weights when it takes Winograd (<see cref="UsesWinograd"/>), else null.</summary>
        public readonly float* Winograd = winograd;
    }

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="items"/>) in as many contiguous parts as the pool has threads.</summary>
    private static void Split(delegate*<void*, int, int, void> body, ConvJob* job, int items, WorkerPool? workers)
    {
        int parts = workers is null ? 1 : Math.Min(workers.ThreadCount, items);
        if (parts <= 1)
        {
            body(job, 0, 1);
        }
        else
        {
            workers!.Run(body, job, parts);
        }
    }

    private static (int Start, int End) PartRange(int items, int part, int parts) =>
        ((int)((long)items * part / parts), (int)((long)items * (part + 1) / parts));

    /// <summary>A part of a per-sample pass: its samples [start, end), the padded plane's sizes, K and P.</summary>
    private static (int Start, int End, int Hp, int Wp, int Taps, int Positions) SamplesPart(ConvJob* job, int part, int parts)
    {
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Batch, part, parts);
        (int hp, int wp) = PaddedSizes(g);
        return (start, end, hp, wp, g.Channels * g.KernelHeight * g.KernelWidth, g.OutHeight * g.OutWidth);
    }

    /// <summary>Floats of a buffer rounded up to whole cache lines, with room for a vector read or written past its end.</summary>
    private static nint Lines(long floats) => (nint)((floats + 16 + 15) & ~15L);

    /// <summary>The padded plane the patches read: Hp = (OH − 1)·S + KH rows of Wp = (OW − 1)·S + KW.</summary>
    private static (int Hp, int Wp) PaddedSizes(in Conv2DGeometry g) =>
        ((g.OutHeight - 1) * g.Stride + g.KernelHeight, (g.OutWidth - 1) * g.Stride + g.KernelWidth);

    /// <summary>Whether the padded plane is the input itself (no padding, every row and column read, as in both of
    /// MnistConvNet's convolutions): the patches then read each sample where it lies, and its gradient is summed in dx
    /// itself, without copying a plane (conv2's copy took 0.5–0.75 ms of its 6.8–7.9 ms forward pass, Zen 4).</summary>
    private static bool PlaneIsInput(in Conv2DGeometry g, int hp, int wp) =>
        g.PadTop == 0 && g.PadLeft == 0 && hp == g.Height && wp == g.Width;

    /// <summary>The plane sample <paramref name="x"/>'s patches read: x itself where <see cref="PlaneIsInput"/>, else
    /// <paramref name="xpad"/> filled by <see cref="FillPadded"/>.</summary>
    private static float* PlaneOf(float* x, float* xpad, in Conv2DGeometry g, int hp, int wp)
    {
        if (PlaneIsInput(g, hp, wp))
        {
            return x;
        }
        FillPadded(xpad, x, g, hp, wp);
        return xpad;
    }

    /// <summary>xpad[c] = channel c of sample <paramref name="x"/> at (PadTop, PadLeft) in a zero plane Hp × Wp (the rows and
    /// columns the patches never read are left out).</summary>
    private static void FillPadded(float* xpad, float* x, in Conv2DGeometry g, int hp, int wp)
    {
        new Span<float>(xpad, g.Channels * hp * wp).Clear();
        int rows = Math.Min(g.Height, hp - g.PadTop), cols = Math.Min(g.Width, wp - g.PadLeft);
        for (int c = 0; c < g.Channels; c++)
        {
            for (int r = 0; r < rows; r++)
            {
                new ReadOnlySpan<float>(x + ((long)c * g.Height + r) * g.Width, cols)
                    .CopyTo(new Span<float>(xpad + ((long)c * hp + r + g.PadTop) * wp + g.PadLeft, cols));
            }
        }
    }

    /// <summary>target[cols × rows] = source[rows × cols]ᵀ: dz's planes as rows of positions for the weight gradient. In
    /// 8×8 blocks of Vector256 where AVX is there, the rows left in 4×4 blocks of Vector128 (unpacks, as
    /// _MM_TRANSPOSE4_PS) where SSE is there, the rest scalar. These transposes took 0.4–0.7 ms of conv2's weight gradient
    /// and 0.4–1.2 ms of conv1's (1 thread, Zen 4, in 4×4 blocks); the scalar loop took ≈ 10% of MnistConvNet's first
    /// convolution before that.</summary>
    private static void TransposeInto(float* target, float* source, int rows, int cols)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            for (; r <= rows - 8; r += 8)
            {
                float* s0 = source + (nint)r * cols;
                int c = 0;
                for (; c <= cols - 8; c += 8)
                {
                    Transpose8x8(target + (nint)c * rows + r, rows, s0 + c, cols);
                }
                for (; c < cols; c++)
                {
                    for (int k = 0; k < 8; k++)
                    {
                        target[(nint)c * rows + r + k] = s0[(nint)k * cols + c];
                    }
                }
            }
        }
        if (Sse.IsSupported)
        {
            for (; r <= rows - 4; r += 4)
            {
                float* s0 = source + (nint)r * cols;
                int c = 0;
                for (; c <= cols - 4; c += 4)
                {
                    Vector128<float> a = Vector128.Load(s0 + c), b = Vector128.Load(s0 + cols + c);
                    Vector128<float> e = Vector128.Load(s0 + 2 * cols + c), d = Vector128.Load(s0 + 3 * cols + c);
                    Vector128<float> ab0 = Sse.UnpackLow(a, b), ab1 = Sse.UnpackHigh(a, b);
                    Vector128<float> ed0 = Sse.UnpackLow(e, d), ed1 = Sse.UnpackHigh(e, d);
                    float* t = target + (nint)c * rows + r;
                    Sse.MoveLowToHigh(ab0, ed0).Store(t);
                    Sse.MoveHighToLow(ed0, ab0).Store(t + rows);
                    Sse.MoveLowToHigh(ab1, ed1).Store(t + 2 * rows);
                    Sse.MoveHighToLow(ed1, ab1).Store(t + 3 * rows);
                }
                for (; c < cols; c++)
                {
                    for (int k = 0; k < 4; k++)
                    {
                        target[(nint)c * rows + r + k] = s0[(nint)k * cols + c];
                    }
                }
            }
        }
        for (; r < rows; r++)
        {
            float* row = source + (nint)r * cols;
            for (int c = 0; c < cols; c++)
            {
                target[(nint)c * rows + r] = row[c];
            }
        }
    }

    /// <summary>The 8×8 block at <paramref name="source"/> (row stride <paramref name="lds"/>) transposed to
    /// <paramref name="target"/> (row stride <paramref name="ldt"/>): unpacks, shuffles and lane swaps in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* target, nint ldt, float* source, nint lds)
    {
        Vector256<float> r0 = Avx.LoadVector256(source), r1 = Avx.LoadVector256(source + lds);
        Vector256<float> r2 = Avx.LoadVector256(source + 2 * lds), r3 = Avx.LoadVector256(source + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(source + 4 * lds), r5 = Avx.LoadVector256(source + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(source + 6 * lds), r7 = Avx.LoadVector256(source + 7 * lds);
        // Pairs of rows interleaved, then quadruples, within each 128-bit half; then the halves swapped across.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> q0 = Avx.Shuffle(t0, t2, 0x44), q1 = Avx.Shuffle(t0, t2, 0xEE), q2 = Avx.Shuffle(t1, t3, 0x44), q3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> q4 = Avx.Shuffle(t4, t6, 0x44), q5 = Avx.Shuffle(t4, t6, 0xEE), q6 = Avx.Shuffle(t5, t7, 0x44), q7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(target, Avx.Permute2x128(q0, q4, 0x20));
        Avx.Store(target + ldt, Avx.Permute2x128(q1, q5, 0x20));
        Avx.Store(target + 2 * ldt, Avx.Permute2x128(q2, q6, 0x20));
        Avx.Store(target + 3 * ldt, Avx.Permute2x128(q3, q7, 0x20));
        Avx.Store(target + 4 * ldt, Avx.Permute2x128(q0, q4, 0x31));
        Avx.Store(target + 5 * ldt, Avx.Permute2x128(q1, q5, 0x31));
        Avx.Store(target + 6 * ldt, Avx.Permute2x128(q2, q6, 0x31));
        Avx.Store(target + 7 * ldt, Avx.Permute2x128(q3, q7, 0x31));
    }

    /// <summary>offsets[t − t0] = where tap t = (c, u, v) of a patch lies in the padded plane from the patch's corner,
    /// (c·Hp + u)·Wp + v, for the taps in [t0, t1). Built once per call, so the patch loop does no division.</summary>
    private static void TapOffsets(int* offsets, in Conv2DGeometry g, int hp, int wp, int t0, int t1)
    {
        int kw = g.KernelWidth;
        for (int t = t0; t < t1; t++)
        {
            int cu = t / kw, v = t - cu * kw;
            int c = cu / g.KernelHeight, u = cu - c * g.KernelHeight;
            offsets[t - t0] = (c * hp + u) * wp + v;
        }
    }

    /// <summary>Room for <see cref="TapOffsets"/>' table, in floats.</summary>
    private static nint TapTableFloats(in Conv2DGeometry g) => Lines((long)g.Channels * g.KernelHeight * g.KernelWidth);

    /// <summary>
    /// The patches transposed: colT[t, p] = xpad[c, i·S + u, j·S + v] at colT + t·<paramref name="ld"/> + p, for the
    /// <paramref name="count"/> taps t = (c, u, v) of <paramref name="offsets"/> and every position p = i·OW + j. A tap's
    /// positions in one output row read one run of the padded plane (contiguous at stride 1), so a sample is C·KH·KW·OH
    /// runs of OW floats; the patch rows col[p, ·] it replaced were P·C·KH runs of KW floats (3 for a 3×3 kernel), and
    /// building them cost conv2 of MnistConvNet almost as much as its product (perf, 1 thread).
    /// </summary>
    private static void Im2ColTransposed(float* colT, nint ld, float* xpad, in Conv2DGeometry g, int wp, int* offsets, int count)
    {
        int ow = g.OutWidth, stride = g.Stride;
        nint rowStep = (nint)stride * wp;
        for (int t = 0; t < count; t++)
        {
            float* target = colT + t * ld;
            float* source = xpad + offsets[t];
            for (int i = 0; i < g.OutHeight; i++, source += rowStep, target += ow)
            {
                if (stride == 1)
                {
                    CopyFloats(target, source, ow);
                }
                else
                {
                    for (int j = 0; j < ow; j++)
                    {
                        target[j] = source[(nint)j * stride];
                    }
                }
            }
        }
    }

    /// <summary>target[0..n) = source[0..n), by the widest vectors that fit (the last one overlapping), reading and
    /// writing nothing outside the two ranges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyFloats(float* target, float* source, int n)
    {
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            int k = 0;
            for (; k < n - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                Vector256.Store(Vector256.Load(source + k), target + k);
            }
            Vector256.Store(Vector256.Load(source + n - Vector256<float>.Count), target + n - Vector256<float>.Count);
        }
        else if (n >= Vector128<float>.Count)
        {
            int k = 0;
            for (; k < n - Vector128<float>.Count; k += Vector128<float>.Count)
            {
                Vector128.Store(Vector128.Load(source + k), target + k);
            }
            Vector128.Store(Vector128.Load(source + n - Vector128<float>.Count), target + n - Vector128<float>.Count);
        }
        else
        {
            for (int k = 0; k < n; k++)
            {
                target[k] = source[k];
            }
        }
    }

    /// <summary>Threads a single sample's forward pass splits over: all of the pool's once the product reaches
    /// <see cref="ForwardSplitMinWork"/>. Each thread builds the sample's patches in its own scratch and computes its
    /// part of the product (GemmPart's split, which picks every tile from the whole product's shape): the engine
    /// splitting one product over patches the caller built made conv2 of one image slower on 2 threads than on 1 (58
    /// against 51 µs, Zen 4), as the other core read them from the caller's cache.</summary>
    private static int ForwardSplits(in Conv2DGeometry g, int threads)
    {
        long work = (long)g.OutHeight * g.OutWidth * g.Filters * g.Channels * g.KernelHeight * g.KernelWidth;
        return work >= ForwardSplitMinWork ? threads : 1;
    }

    /// <summary>Half the engine's <see cref="ParallelMinWork"/>, so that MnistConvNet's first convolution (194,688
    /// multiply-adds, 9 taps) splits too: its forward with the pooling for one image took 4.5 µs on 2 threads against 7.7
    /// on 1, and Forward 28.6–30.3 against 32.5–34.6 µs (Zen 4, alternating builds).</summary>
    private const long ForwardSplitMinWork = ParallelMinWork / 2;

    private static void ForwardPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        ConvJob* job = (ConvJob*)state;
        (int start, int end) = PartRange(job->Batch, part, parts);
        ForwardSamples<TLayer>(job, start, end, 0, 1, pool: null);
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of one sample's product.</summary>
    private static void ForwardSplitPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        ConvJob* job = (ConvJob*)state;
        ForwardSamples<TLayer>(job, 0, job->Batch, part, parts, pool: null);
    }

    /// <summary>Samples [<paramref name="start"/>, <paramref name="end"/>): each one's patches, then part
    /// <paramref name="part"/> of <paramref name="parts"/> of its product into y; or, with <paramref name="pool"/>, the
    /// whole product into this thread's scratch and its planes max-pooled from there (<see cref="Conv2DMaxPoolForward"/>).</summary>
    private static void ForwardSamples<TLayer>(ConvJob* job, int start, int end, int part, int parts, PoolJob* pool)
        where TLayer : struct, IDenseLayerKernels
    {
        if (job->Winograd != null)
        {
            WinogradSamples<TLayer>(job, start, end, part, parts, pool);
            return;
        }
        Conv2DGeometry g = job->G;
        (int hp, int wp) = PaddedSizes(g);
        int taps = g.Channels * g.KernelHeight * g.KernelWidth, positions = g.OutHeight * g.OutWidth;
        // colT's rows start on cache lines (a row of 121 floats would make most of the tiles' B loads split lines).
        int ld = (positions + 15) & ~15;
        nint xpadFloats = Lines((long)g.Channels * hp * wp), colFloats = Lines((long)ld * taps);
        float* xpad = ConvScratch.Get(xpadFloats + colFloats + TapTableFloats(g));
        float* colT = xpad + xpadFloats;
        int* offsets = (int*)(colT + colFloats);
        TapOffsets(offsets, g, hp, wp, 0, taps);
        // y[F × P] = act(w·colT + b[row]), the filters as rows: w [F × K] and colT [K × P] read where they lie, and y
        // comes out in CHW order. Each element sums k in order from 0, then the bias and the activation, as col·w′ did
        // with the filters as columns (same bits), without transposing w per call and z per sample.
        GemmJob gemm = new()
        {
            Ldc = positions,
            A = job->W, ARowStride = taps, AColStride = 1,
            B = colT, Ldb = ld,
            M = g.Filters, N = positions, K = taps,
            Bias = job->Bias,
            Product = GemmProduct.PositionsForward, Store = GemmStore.Overwrite, Activation = TLayer.Activation, Alpha = TLayer.Alpha,
        };
        float* output = null;
        int f0 = 0, f1 = g.Filters;
        if (pool != null)
        {
            output = ConvOutput.Get(g.OutputSize);
            if (parts > 1)
            {
                // One sample split over the threads: whole row blocks of filters each, the tiles of the whole product,
                // so that each thread pools the planes it computed (the engine's own split by positions left every
                // plane half on each core, and the pooling thread 9 µs slower on conv2 of one image than one thread).
                int blocks = (g.Filters + TileRows - 1) / TileRows;
                (int first, int last) = PartRange(blocks, part, parts);
                (f0, f1) = (first * TileRows, Math.Min(g.Filters, last * TileRows));
                if (f0 >= f1)
                {
                    return;
                }
                gemm.A += (nint)f0 * taps;
                gemm.M = f1 - f0;
                gemm.Bias = gemm.Bias == null ? null : gemm.Bias + f0;
                (part, parts) = (0, 1);
            }
        }
        for (int b = start; b < end; b++)
        {
            float* plane = PlaneOf(job->X + (long)b * g.InputSize, xpad, g, hp, wp);
            Im2ColTransposed(colT, ld, plane, g, wp, offsets, taps);
            gemm.C = pool == null ? job->Y + (long)b * g.OutputSize : output;
            GemmPart<TLayer>(&gemm, part, parts);
            if (pool != null)
            {
                PoolSample(pool, output, b, f0, f1);
            }
        }
    }

    /// <summary>Samples whose products the weight gradient sums in one call of the engine: as many as keep their patches
    /// within 128 Ki floats (512 KB, half of a Zen 4 core's L2), at least one. Fixed by the geometry alone, so the chunks,
    /// and with them the bits, are the same for any thread count.</summary>
    internal static int SamplesPerChunk(in Conv2DGeometry g) =>
        (int)Math.Max(1, (1L << 17) / ((long)g.OutHeight * g.OutWidth * g.Channels * g.KernelHeight * g.KernelWidth));

    /// <summary>The weight gradient's parts take whole row blocks of taps, unless the taps make too few blocks to keep
    /// every thread busy (MnistConvNet's first convolution: 9 taps, a block of 8 and one of 1, which made 2 threads
    /// slower than 1): then the parts take whole chunks of samples, and the chunks' products are added in order after.
    /// Either way each chunk's product and the order of the additions are those of one thread, so the bits are too.</summary>
    internal static bool SplitsChunks(int taps, int chunks, int threads) =>
        threads > 1 && chunks > 1 && (taps + TileRows - 1) / TileRows < 2 * threads;

    private static void WeightGradientPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        int taps = g.Channels * g.KernelHeight * g.KernelWidth;
        // Whole row blocks of dw′ per part: every block holds the same taps whatever the split.
        (int firstBlock, int endBlock) = PartRange((taps + TileRows - 1) / TileRows, part, parts);
        int t0 = firstBlock * TileRows, t1 = Math.Min(taps, endBlock * TileRows), width = t1 - t0;
        if (width <= 0)
        {
            return;
        }
        int chunk = SamplesPerChunk(g);
        nint accFloats = Lines((long)width * g.Filters);
        ChunkScratch scratch = new(g, t0, t1, chunk, 2 * accFloats, job->FromWinners);
        float* acc = scratch.Extra, partial = acc + accFloats;
        // A part holding only the short last row block of the taps (3 threads over 20 taps, say) is a product of fewer
        // rows than a tile, which the engine runs as the same padded tile, with the same list of k, as one thread does
        // (its one-row path is for forward products only): the bits are the same for any thread count, non-finite dz
        // included.
        for (int b0 = 0; b0 < job->Batch; b0 += chunk)
        {
            ChunkProduct<TLayer>(job, b0, Math.Min(chunk, job->Batch - b0), scratch, b0 == 0 ? acc : partial, planeSums: part == 0);
            if (b0 != 0)
            {
                Add(acc, partial, width * g.Filters);
            }
        }
        if (job->Batch == 0)
        {
            new Span<float>(acc, width * g.Filters).Clear();
        }
        StoreTransposed(job->W, acc, taps, t0, width, g.Filters);
    }

    /// <summary>A part of the chunk split (<see cref="SplitsChunks"/>): the products of its chunks of samples over every
    /// tap, each into its own slot of the caller's buffer (job.Dx), [taps × F] apart.</summary>
    private static void WeightGradientChunksPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        int taps = g.Channels * g.KernelHeight * g.KernelWidth, chunk = SamplesPerChunk(g);
        (int first, int end) = PartRange((job->Batch + chunk - 1) / chunk, part, parts);
        ChunkScratch scratch = new(g, 0, taps, chunk, 0, job->FromWinners);
        for (int c = first; c < end; c++)
        {
            int b0 = c * chunk;
            ChunkProduct<TLayer>(job, b0, Math.Min(chunk, job->Batch - b0), scratch, job->Dx + (nint)c * taps * g.Filters, planeSums: true);
        }
    }

    /// <summary>One thread's buffers for <see cref="ChunkProduct"/> over the taps [t0, t1), the pooling's buffers when dz
    /// is built from winners, and <c>extra</c> floats after them for the caller.</summary>
    private readonly struct ChunkScratch
    {
        /// <summary>ColT: the chunk's patches for the engine's product, or by 3×3 windows (<see cref="WeightGradientBy3x3Windows"/>)
        /// <see cref="Sums"/> and <see cref="Windows"/>; Dzt: the chunk's dzᵀ, or by windows one sample's.</summary>
        public readonly float* Xpad, ColT, Dzt, Winners, Extra;
        /// <summary>By 3×3 windows: the listed windows of one channel of one sample (<see cref="ListWindows3x3"/>).</summary>
        public readonly int* Offsets, Windows;
        public readonly int Hp, Wp, T0, Width;

        public ChunkScratch(in Conv2DGeometry g, int t0, int t1, int chunk, nint extra, WinnersGradient* fromWinners)
        {
            (Hp, Wp) = PaddedSizes(g);
            T0 = t0;
            Width = t1 - t0;
            int positions = g.OutHeight * g.OutWidth;
            bool byWindows = WeightGradientBy3x3Windows(g);
            // By windows: one sample's dzᵀ, the sums of all nine taps, and a list of windows.
            nint xpadFloats = Lines((long)g.Channels * Hp * Wp);
            nint sumsFloats = byWindows ? Lines(9L * g.Filters) : 0;
            nint colFloats = byWindows ? sumsFloats + Lines(2L * positions) : Lines((long)chunk * positions * Width);
            nint dztFloats = Lines((long)(byWindows ? 1 : chunk) * positions * g.Filters), winnersFloats = fromWinners == null ? 0 : 3 * TransposedWinnersScratch(fromWinners->Pool.G);
            Xpad = ConvScratch.Get(xpadFloats + colFloats + dztFloats + winnersFloats + extra + TapTableFloats(g));
            ColT = Xpad + xpadFloats;
            Dzt = ColT + colFloats;
            Windows = byWindows ? (int*)(ColT + sumsFloats) : null;
            Winners = Dzt + dztFloats;
            Extra = Winners + winnersFloats;
            Offsets = (int*)(Extra + extra);
            if (!byWindows)
            {
                TapOffsets(Offsets, g, Hp, Wp, t0, t1); // only the patches read them
            }
        }

        /// <summary>By 3×3 windows: [9 taps × F], whichever taps [t0, t1) the part stores.</summary>
        public float* Sums => ColT;
    }

    /// <summary>c[width × F] = Σ over the samples [b0, b0 + samples) of their patches' taps [t0, t0 + width) times dz,
    /// one engine call (overwrites), leaving out zero inputs. With job.FromWinners each sample's dz is built from the
    /// pooling's gradient first, and with <paramref name="planeSums"/> its planes' sums kept for the bias.</summary>
    private static void ChunkProduct<TLayer>(ConvJob* job, int b0, int samples, in ChunkScratch scratch, float* c, bool planeSums)
        where TLayer : struct, IDenseLayerKernels
    {
        if (scratch.Windows != null)
        {
            ChunkProductBy3x3Windows(job, b0, samples, scratch, c, planeSums);
            return;
        }
        Conv2DGeometry g = job->G;
        int positions = g.OutHeight * g.OutWidth;
        // The chunk's patches transposed, [width taps × samples·P]: row t holds tap t of every sample's positions in
        // turn, so A(t, k) = colT[t·samples·P + k] with k = (sample, position), as the rows of col were.
        nint ld = (nint)samples * positions;
        for (int s = 0; s < samples; s++)
        {
            float* plane = PlaneOf(job->X + (long)(b0 + s) * g.InputSize, scratch.Xpad, g, scratch.Hp, scratch.Wp);
            Im2ColTransposed(scratch.ColT + (nint)s * positions, ld, plane, g, scratch.Wp, scratch.Offsets, scratch.Width);
            float* dzt = scratch.Dzt + (nint)s * positions * g.Filters;
            WinnersGradient* winners = job->FromWinners;
            if (winners == null)
            {
                TransposeInto(dzt, job->Y + (long)(b0 + s) * g.OutputSize, g.Filters, positions);
                continue;
            }
            // dz built where the product reads it, already transposed, and its planes' sums taken from there.
            WinnersBackwardTransposed(&winners->Pool, b0 + s, dzt, scratch.Winners);
            if (planeSums && winners->PlaneSums != null)
            {
                SumTransposedPlanes(winners->PlaneSums + (nint)(b0 + s) * g.Filters, dzt, g.Filters, positions);
            }
        }
        GemmJob gemm = new()
        {
            C = c, Ldc = g.Filters,
            A = scratch.ColT, ARowStride = ld, AColStride = 1,
            B = scratch.Dzt, Ldb = g.Filters,
            M = scratch.Width, N = g.Filters, K = samples * positions,
            Product = GemmProduct.WeightGradient, Store = GemmStore.Overwrite, Activation = Activation.None,
            SkipZeroInputs = true,
        };
        GemmPart<TLayer>(&gemm, 0, 1);
    }

    /// <summary>dw[f, t0 + t] = acc[t, f] for t &lt; <paramref name="width"/>: dw′ back to the stored layout.</summary>
    private static void StoreTransposed(float* dw, float* acc, int taps, int t0, int width, int filters)
    {
        for (int t = 0; t < width; t++)
        {
            for (int f = 0; f < filters; f++)
            {
                dw[(nint)f * taps + t0 + t] = acc[(nint)t * filters + f];
            }
        }
    }

    /// <summary>acc[k] += values[k] for k &lt; n.</summary>
    private static void Add(float* acc, float* values, int n)
    {
        int k = 0;
        for (; k <= n - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            Vector128.Store(Vector128.Load(acc + k) + Vector128.Load(values + k), acc + k);
        }
        for (; k < n; k++)
        {
            acc[k] += values[k];
        }
    }

    /// <summary>db[f] = Σ_b (Σ_p dz[b, f, p]) for a part's filters (job.Bias = db, job.Y = dz): each plane summed in
    /// float vectors, the planes in double, samples in order. A plane's sum is one chain of dependent adds, so the
    /// filters are split over the pool (serial, it was 0.6 ms of MnistConvNet's first convolution's weight gradient).</summary>
    private static void BiasGradientPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        float* db = job->Bias, dz = job->Y;
        int batch = job->Batch, positions = g.OutHeight * g.OutWidth;
        (int first, int end) = PartRange(g.Filters, part, parts);
        nint sampleStride = g.OutputSize;
        for (int f = first; f < end; f++)
        {
            double sum = 0;
            float* plane = dz + (long)f * positions;
            int b = 0;
            // Four samples' planes at a time, each in its own chain of adds, added to the sum in sample order: the bits of
            // one plane at a time, whose single chain waited on each add's latency (conv1's 676-float planes).
            for (; b <= batch - 4; b += 4, plane += 4 * sampleStride)
            {
                (float s0, float s1, float s2, float s3) = SumFourPlanes(plane, sampleStride, positions);
                sum += s0;
                sum += s1;
                sum += s2;
                sum += s3;
            }
            for (; b < batch; b++, plane += sampleStride)
            {
                sum += SumPlane(plane, positions);
            }
            db[f] = (float)sum;
        }
    }

    /// <summary>sums[c] = <see cref="SumPlane"/> of plane c of dz stored transposed, dzt[p·C + c] (the same bits): lane l of
    /// its Vector128 sums the positions p ≡ l (mod 4) below the last multiple of 4 in order, as SumPlane's lanes do, here
    /// for four planes at a time from one load a position; then the lanes are added and the tail in order.</summary>
    private static void SumTransposedPlanes(float* sums, float* dzt, int channels, int positions)
    {
        int whole = positions & ~(Vector128<float>.Count - 1);
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 16 planes at a time: a whole cache line of each position's row per pass (four planes a pass read a quarter
            // of one, and MnistConvNet's first layer spent 3.4 µs a sample here, Zen 4).
            for (; c <= channels - 2 * Vector256<float>.Count; c += 2 * Vector256<float>.Count)
            {
                Vector256<float> l0 = Vector256<float>.Zero, l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
                for (int p = 0; p < whole; p += 4)
                {
                    float* row = dzt + (nint)p * channels + c;
                    l0 += Vector256.Load(row);
                    h0 += Vector256.Load(row + Vector256<float>.Count);
                    l1 += Vector256.Load(row + channels);
                    h1 += Vector256.Load(row + channels + Vector256<float>.Count);
                    l2 += Vector256.Load(row + 2 * channels);
                    h2 += Vector256.Load(row + 2 * channels + Vector256<float>.Count);
                    l3 += Vector256.Load(row + 3 * channels);
                    h3 += Vector256.Load(row + 3 * channels + Vector256<float>.Count);
                }
                for (int k = 0; k < Vector256<float>.Count; k++)
                {
                    sums[c + k] = TransposedPlaneSum(Vector128.Create(l0[k], l1[k], l2[k], l3[k]), dzt + c + k, channels, whole, positions);
                    int high = c + Vector256<float>.Count + k;
                    sums[high] = TransposedPlaneSum(Vector128.Create(h0[k], h1[k], h2[k], h3[k]), dzt + high, channels, whole, positions);
                }
            }
        }
        for (; c <= channels - Vector128<float>.Count; c += Vector128<float>.Count)
        {
            Vector128<float> l0 = Vector128<float>.Zero, l1 = l0, l2 = l0, l3 = l0;
            for (int p = 0; p < whole; p += 4)
            {
                l0 += Vector128.Load(dzt + (nint)p * channels + c);
                l1 += Vector128.Load(dzt + (nint)(p + 1) * channels + c);
                l2 += Vector128.Load(dzt + (nint)(p + 2) * channels + c);
                l3 += Vector128.Load(dzt + (nint)(p + 3) * channels + c);
            }
            for (int k = 0; k < Vector128<float>.Count; k++)
            {
                sums[c + k] = TransposedPlaneSum(Vector128.Create(l0[k], l1[k], l2[k], l3[k]), dzt + c + k, channels, whole, positions);
            }
        }
        for (; c < channels; c++)
        {
            float l0 = 0f, l1 = 0f, l2 = 0f, l3 = 0f;
            for (int p = 0; p < whole; p += 4)
            {
                l0 += dzt[(nint)p * channels + c];
                l1 += dzt[(nint)(p + 1) * channels + c];
                l2 += dzt[(nint)(p + 2) * channels + c];
                l3 += dzt[(nint)(p + 3) * channels + c];
            }
            sums[c] = TransposedPlaneSum(Vector128.Create(l0, l1, l2, l3), dzt + c, channels, whole, positions);
        }
    }

    /// <summary>A plane's lane sums added as <see cref="SumPlane"/> adds them, then its positions from
    /// <paramref name="whole"/> on (<paramref name="stride"/> apart) in order.</summary>
    private static float TransposedPlaneSum(Vector128<float> lanes, float* column, int stride, int whole, int positions)
    {
        float tail = 0f;
        for (int p = whole; p < positions; p++)
        {
            tail += column[(nint)p * stride];
        }
        return Vector128.Sum(lanes) + tail;
    }

    /// <summary>The sum of a plane as the bias gradient takes it: in a Vector128 over its positions, the lanes added, then
    /// the tail in order.</summary>
    private static float SumPlane(float* plane, int positions)
    {
        Vector128<float> s = Vector128<float>.Zero;
        int p = 0;
        for (; p <= positions - Vector128<float>.Count; p += Vector128<float>.Count)
        {
            s += Vector128.Load(plane + p);
        }
        return Vector128.Sum(s) + PlaneTail(plane, p, positions);
    }

    /// <summary><see cref="SumPlane"/> of the four planes <paramref name="stride"/> apart from <paramref name="plane"/>, each
    /// in its own chain of adds (the same bits, four times the adds in flight).</summary>
    private static (float, float, float, float) SumFourPlanes(float* plane, nint stride, int positions)
    {
        Vector128<float> s0 = Vector128<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p <= positions - Vector128<float>.Count; p += Vector128<float>.Count)
        {
            s0 += Vector128.Load(plane + p);
            s1 += Vector128.Load(plane + stride + p);
            s2 += Vector128.Load(plane + 2 * stride + p);
            s3 += Vector128.Load(plane + 3 * stride + p);
        }
        return (Vector128.Sum(s0) + PlaneTail(plane, p, positions), Vector128.Sum(s1) + PlaneTail(plane + stride, p, positions),
            Vector128.Sum(s2) + PlaneTail(plane + 2 * stride, p, positions), Vector128.Sum(s3) + PlaneTail(plane + 3 * stride, p, positions));
    }

    /// <summary>plane[from] + … + plane[positions − 1] in order, from 0.</summary>
    private static float PlaneTail(float* plane, int from, int positions)
    {
        float tail = 0f;
        for (int p = from; p < positions; p++)
        {
            tail += plane[p];
        }
        return tail;
    }

    private static void InputGradientPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end, int hp, int wp, int taps, int positions) = SamplesPart(job, part, parts);
        nint dxpadFloats = Lines((long)g.Channels * hp * wp), dcolFloats = Lines((long)positions * taps);
        bool mayskip = MaySkipZeroGradients(g);
        float* dxpad = ConvScratch.Get(dxpadFloats + dcolFloats + (mayskip ? SparsePatchGradientFloats(g) : 0));
        float* dcolT = dxpad + dxpadFloats, sparseScratch = dcolT + dcolFloats;
        // dcolT = Wᵀ·dz, the patches' gradient transposed [taps × P]: A(t, f) = W[f, t] read through its strides, B = the
        // sample's dz [F × P] where it lies. Each element sums f in order, as dzᵀ·W did with dz transposed per sample
        // (same bits), and Col2ImTransposed adds whole image rows instead of KW floats at a time. (Copying dz to rows that
        // start on cache lines, as the forward pass's patches do, measured no gain here.)
        GemmJob gemm = new()
        {
            C = dcolT, Ldc = positions,
            A = job->W, ARowStride = 1, AColStride = taps,
            Ldb = positions,
            M = taps, N = positions, K = g.Filters,
            Product = GemmProduct.InputGradient, Store = GemmStore.Overwrite, Activation = Activation.None,
        };
        int rows = Math.Min(g.Height, hp - g.PadTop), cols = Math.Min(g.Width, wp - g.PadLeft);
        for (int b = start; b < end; b++)
        {
            gemm.B = job->Y + (long)b * g.OutputSize;
            if (!mayskip || !SparsePatchGradient(dcolT, gemm.B, job->W, g, sparseScratch))
            {
                GemmPart<TLayer>(&gemm, 0, 1);
            }
            float* dx = job->Dx + (long)b * g.InputSize;
            if (PlaneIsInput(g, hp, wp))
            {
                Col2ImTransposed(dx, dcolT, g, hp, wp);
                continue;
            }
            Col2ImTransposed(dxpad, dcolT, g, hp, wp);
            if (rows < g.Height || cols < g.Width)
            {
                new Span<float>(dx, g.InputSize).Clear();
            }
            for (int c = 0; c < g.Channels; c++)
            {
                for (int r = 0; r < rows; r++)
                {
                    new ReadOnlySpan<float>(dxpad + ((long)c * hp + r + g.PadTop) * wp + g.PadLeft, cols)
                        .CopyTo(new Span<float>(dx + ((long)c * g.Height + r) * g.Width, cols));
                }
            }
        }
    }

    /// <summary>
    /// dxpad = 0, then dxpad[c, i·S + u, j·S + v] += dcolT[(c, u, v), p] for every position p = (i, j) and tap: taps by
    /// decreasing u, then decreasing v, each over its image rows. A pixel's patches have i = (y − u)/S and j = (x − v)/S,
    /// so each pixel receives its terms in increasing (i, j), the order of the patch-by-patch loop this replaced (same
    /// bits), while every add runs along an output row of OW floats.
    /// </summary>
    private static void Col2ImTransposed(float* dxpad, float* dcolT, in Conv2DGeometry g, int hp, int wp)
    {
        if (g.Stride == 1 && wp <= 2 * Vector256<float>.Count && Vector256.IsHardwareAccelerated)
        {
            Col2ImRows(dxpad, dcolT, g, hp, wp);
            return;
        }
        new Span<float>(dxpad, g.Channels * hp * wp).Clear();
        int ow = g.OutWidth, stride = g.Stride, positions = g.OutHeight * ow;
        nint rowStep = (nint)stride * wp;
        for (int u = g.KernelHeight - 1; u >= 0; u--)
        {
            for (int v = g.KernelWidth - 1; v >= 0; v--)
            {
                for (int c = 0; c < g.Channels; c++)
                {
                    float* source = dcolT + (nint)((c * g.KernelHeight + u) * g.KernelWidth + v) * positions;
                    float* target = dxpad + ((nint)c * hp + u) * wp + v;
                    for (int i = 0; i < g.OutHeight; i++, source += ow, target += rowStep)
                    {
                        if (stride == 1)
                        {
                            AddFloats(target, source, ow);
                        }
                        else
                        {
                            for (int j = 0; j < ow; j++)
                            {
                                target[(nint)j * stride] += source[j];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Col2ImTransposed"/> for stride 1 and padded rows of at most 16 floats (MnistConvNet's conv2: 13): each
    /// image row is summed in two Vector256 registers from zero and stored once, taking its terms in the same order
    /// (decreasing u, then decreasing v), so the same bits. A tap's run of OW floats lands at lane v: it is loaded from
    /// v floats before it, masked to lanes [v, v + OW), and added (masked-off lanes add +0, which changes no sum: one
    /// that starts at +0 is never −0). The row-by-row adds into memory took ≈ 1 ms of conv2's 7 ms input gradient for
    /// a batch of 128 (Zen 4); the loads reach at most KW − 1 floats before a row of dcolT and 15 after it, inside the
    /// scratch (see <see cref="Lines"/>).
    /// </summary>
    private static void Col2ImRows(float* dxpad, float* dcolT, in Conv2DGeometry g, int hp, int wp)
    {
        int ow = g.OutWidth, oh = g.OutHeight, kh = g.KernelHeight, kw = g.KernelWidth;
        nint ld = (nint)oh * ow;
        const int Lanes = 8;
        Vector256<float>* masks = stackalloc Vector256<float>[2 * kw];
        Vector256<int> lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (int v = 0; v < kw; v++)
        {
            Vector256<int> low = Vector256.Create(v), high = Vector256.Create(v + ow);
            for (int half = 0; half < 2; half++)
            {
                Vector256<int> l = lane + Vector256.Create(half * Lanes);
                masks[2 * v + half] = (Vector256.GreaterThanOrEqual(l, low) & Vector256.LessThan(l, high)).AsSingle();
            }
        }
        float* row = stackalloc float[2 * Lanes];
        for (int c = 0; c < g.Channels; c++)
        {
            for (int y = 0; y < hp; y++)
            {
                Vector256<float> left = Vector256<float>.Zero, right = Vector256<float>.Zero;
                for (int u = kh - 1; u >= 0; u--)
                {
                    int i = y - u;
                    if ((uint)i >= (uint)oh)
                    {
                        continue;
                    }
                    float* tapRow = dcolT + (c * kh + u) * kw * ld + (nint)i * ow;
                    for (int v = kw - 1; v >= 0; v--)
                    {
                        float* source = tapRow + v * ld - v;
                        left += Vector256.Load(source) & masks[2 * v];
                        right += Vector256.Load(source + Lanes) & masks[2 * v + 1];
                    }
                }
                left.Store(row);
                right.Store(row + Lanes);
                CopyFloats(dxpad + ((nint)c * hp + y) * wp, row, wp);
            }
        }
    }

    /// <summary>target[k] += source[k] for k &lt; n, each element once (a vector add is the scalar add per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddFloats(float* target, float* source, int n)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                Vector256.Store(Vector256.Load(target + k) + Vector256.Load(source + k), target + k);
            }
        }
        for (; k <= n - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            Vector128.Store(Vector128.Load(target + k) + Vector128.Load(source + k), target + k);
        }
        for (; k < n; k++)
        {
            target[k] += source[k];
        }
    }

    /// <summary>Per-thread scratch of the convolution kernels (patches, padded planes, transposed dz), apart from the
    /// GEMM engine's own, which the products use while these buffers are live.</summary>
    private static class ConvScratch
    {
        public static float* Get(nint floats) => ThreadScratch<ConvScratchOwner>.Get(floats);
    }

    private struct ConvScratchOwner;

    /// <summary>The caller's buffer of per-chunk weight-gradient products (<see cref="SplitsChunks"/>), which the workers
    /// write while each also uses its own <see cref="ConvScratch"/>.</summary>
    private static class ConvProducts
    {
        public static float* Get(nint floats) => ThreadScratch<ConvProductsOwner>.Get(floats);
    }

    private struct ConvProductsOwner;

    public static partial class Reference
    {
        /// <summary>Scalar twin of <see cref="Kernels.Conv2DForward"/>: the definition, summed over (c, u, v) in order from the bias.</summary>
        public static void Conv2DForward(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch,
            in Conv2DGeometry g, Activation activation, float alpha)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        for (int j = 0; j < g.OutWidth; j++)
                        {
                            float z = bias.IsEmpty ? 0f : bias[f];
                            for (int c = 0; c < g.Channels; c++)
                            {
                                for (int u = 0; u < g.KernelHeight; u++)
                                {
                                    for (int v = 0; v < g.KernelWidth; v++)
                                    {
                                        int iy = i * g.Stride + u - g.PadTop, ix = j * g.Stride + v - g.PadLeft;
                                        if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                        {
                                            z += x[b * g.InputSize + (c * g.Height + iy) * g.Width + ix] * w[((f * g.Channels + c) * g.KernelHeight + u) * g.KernelWidth + v];
                                        }
                                    }
                                }
                            }
                            y[b * g.OutputSize + (f * g.OutHeight + i) * g.OutWidth + j] = Activate(z, activation, alpha);
                        }
                    }
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.Conv2DBackwardParameters"/> (overwrites; sums in double).</summary>
        public static void Conv2DBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch, in Conv2DGeometry g)
        {
            for (int f = 0; f < g.Filters; f++)
            {
                double bias = 0;
                for (int c = 0; c < g.Channels; c++)
                {
                    for (int u = 0; u < g.KernelHeight; u++)
                    {
                        for (int v = 0; v < g.KernelWidth; v++)
                        {
                            double sum = 0;
                            for (int b = 0; b < batch; b++)
                            {
                                for (int i = 0; i < g.OutHeight; i++)
                                {
                                    for (int j = 0; j < g.OutWidth; j++)
                                    {
                                        int iy = i * g.Stride + u - g.PadTop, ix = j * g.Stride + v - g.PadLeft;
                                        if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                        {
                                            sum += (double)dz[b * g.OutputSize + (f * g.OutHeight + i) * g.OutWidth + j] * x[b * g.InputSize + (c * g.Height + iy) * g.Width + ix];
                                        }
                                    }
                                }
                            }
                            dw[((f * g.Channels + c) * g.KernelHeight + u) * g.KernelWidth + v] = (float)sum;
                        }
                    }
                }
                for (int b = 0; b < batch; b++)
                {
                    for (int k = 0; k < g.OutHeight * g.OutWidth; k++)
                    {
                        bias += dz[b * g.OutputSize + f * g.OutHeight * g.OutWidth + k];
                    }
                }
                if (!db.IsEmpty)
                {
                    db[f] = (float)bias;
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.Conv2DBackwardInput"/>: the same scatter, in the same order (overwrites).</summary>
        public static void Conv2DBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, in Conv2DGeometry g)
        {
            dx.Slice(0, batch * g.InputSize).Clear();
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    for (int c = 0; c < g.Channels; c++)
                    {
                        for (int u = 0; u < g.KernelHeight; u++)
                        {
                            for (int v = 0; v < g.KernelWidth; v++)
                            {
                                float wv = w[((f * g.Channels + c) * g.KernelHeight + u) * g.KernelWidth + v];
                                for (int i = 0; i < g.OutHeight; i++)
                                {
                                    for (int j = 0; j < g.OutWidth; j++)
                                    {
                                        int iy = i * g.Stride + u - g.PadTop, ix = j * g.Stride + v - g.PadLeft;
                                        if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                        {
                                            dx[b * g.InputSize + (c * g.Height + iy) * g.Width + ix] += wv * dz[b * g.OutputSize + (f * g.OutHeight + i) * g.OutWidth + j];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
