using System.Runtime.Intrinsics;

namespace GenNet;

// Dense layer: forward and both backwards side by side (house style 11).
//   forward                 y[B×O]  = act(x[B×I]·w[I×O] + bias[O])        (overwrites y)
//   backward, parameters    dw[I×O] += xᵀ·dz,  db[O] += Σ_b dz[b,·]        (accumulates; = with accumulate: false)
//   backward, input         dx[B×I] = dz[B×O]·wᵀ                           (overwrites dx)
//                           dx[B×I] = (dz[B×O]·wᵀ) ⊙ act′(y[B×I])          (the previous layer's derivative fused)
// Generated networks write each parameter gradient exactly once per step, so they pass accumulate: false and skip
// clearing the gradient arena (a 1.6 MB pass for MNIST, ≈ 17 µs of a ≈ 2 ms step); += stays the default for callers
// that sum gradients over several calls.
// All three run on the GEMM engine in Kernels.Gemm.cs; with a WorkerPool they split over independent outputs only,
// so results are bit-identical for any thread count. The forward pass and the weight gradient leave out the terms whose
// input x is zero ("Zero skipping" in Kernels.Gemm.cs): exact for finite values, and half the work on MNIST.
public static unsafe partial class Kernels
{
    /// <summary>y[B×O] = act(x[B×I]·w[I×O] + bias[O]); an empty <paramref name="bias"/> means no bias.</summary>
    /// <remarks>
    /// This method effectively computes <c>y[b,o] = act(bias[o] + Σ_i x[b,i]·w[i,o])</c> for every b and o, summing
    /// with fused multiply-adds in increasing i and adding the bias last. Terms whose x[b,i] is zero are left out, which
    /// changes at most the sign of a zero result, unless w holds ∞ or NaN (0·∞ would have been NaN).
    /// <para>An optional <see cref="WorkerPool"/> (last argument) splits the batch rows or output columns; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, a size is negative, or the length
    /// summed over exceeds <see cref="MaxReductionLength"/>.</exception>
    public static void DenseForward(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int inputs, int outputs, Activation activation, float alpha, WorkerPool? workers = null)
        => RunDenseForward<EngineTiles>(y, x, w, bias, batch, inputs, outputs, activation, alpha, workers);

    private static void RunDenseForward<TLayer>(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int inputs, int outputs, Activation activation, float alpha, WorkerPool? workers)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckSizes(batch, inputs, outputs, reduction: inputs, nameof(inputs), workers);
        Guard.Rows(y.Length, batch, outputs, nameof(y));
        Guard.Rows(x.Length, batch, inputs, nameof(x));
        Guard.Rows(w.Length, inputs, outputs, nameof(w));
        if (!bias.IsEmpty)
        {
            Guard.Rows(bias.Length, 1, outputs, nameof(bias));
        }
        if (SimdHelpers.Width == 0)
        {
            Reference.DenseForward(y, x, w, bias, batch, inputs, outputs, activation, alpha);
            return;
        }
        fixed (float* py = y)
        fixed (float* px = x)
        fixed (float* pw = w)
        fixed (float* pb = bias)
        {
            GemmJob job = new()
            {
                C = py, Ldc = outputs,
                A = px, ARowStride = inputs, AColStride = 1,
                B = pw, Ldb = outputs,
                M = batch, N = outputs, K = inputs,
                Bias = bias.IsEmpty ? null : pb,
                Product = GemmProduct.Forward, Store = GemmStore.Overwrite, Activation = activation, Alpha = alpha,
                SkipZeroInputs = true,
            };
            RunGemm<TLayer>(&job, workers);
        }
    }

    /// <summary>dw[I×O] += xᵀ·dz; db[O] += Σ_b dz[b,·] (skipped when <paramref name="db"/> is empty).</summary>
    /// <remarks>
    /// This method effectively computes <c>dw[i,o] += Σ_b x[b,i]·dz[b,o]</c> (the sum formed first, with fused
    /// multiply-adds in increasing b, then added) and <c>db[o] += Σ_b dz[b,o]</c>. Threads split the rows i of dw, or
    /// its column blocks, so there is no cross-thread reduction. Terms whose x[b,i] is zero are left out, which changes
    /// at most the sign of a zero result, unless dz holds ∞ or NaN: a non-finite dz[b,o] then still reaches db and every
    /// dw[i,o] with x[b,i] ≠ 0, and the others depending on the tiling (Kernels.Gemm.cs, "Zero skipping").
    /// <para>An optional <see cref="WorkerPool"/> splits the rows or column blocks of dw; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, a size is negative, or the length
    /// summed over exceeds <see cref="MaxReductionLength"/>.</exception>
    public static void DenseBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
        int batch, int inputs, int outputs, WorkerPool? workers = null)
        => DenseBackwardParameters(dw, db, x, dz, batch, inputs, outputs, accumulate: true, workers);

    /// <summary>dw[I×O] (+)= xᵀ·dz; db[O] (+)= Σ_b dz[b,·]: += when <paramref name="accumulate"/>, = otherwise, so a
    /// caller that writes each gradient once per step (the generated networks) never clears them first.</summary>
    /// <remarks>
    /// This method effectively computes <c>s = Σ_b x[b,i]·dz[b,o]</c> with fused multiply-adds in increasing b, then
    /// <c>dw[i,o] += s</c> or <c>dw[i,o] = s</c>; db likewise from <c>Σ_b dz[b,o]</c>. Threads split the rows i of dw,
    /// or its column blocks, so there is no cross-thread reduction. Terms whose x[b,i] is zero are left out, which changes
    /// at most the sign of a zero result, unless dz holds ∞ or NaN: a non-finite dz[b,o] then still reaches db and every
    /// dw[i,o] with x[b,i] ≠ 0, and the others depending on the tiling (Kernels.Gemm.cs, "Zero skipping").
    /// <para>An optional <see cref="WorkerPool"/> splits the rows or column blocks of dw; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, a size is negative, or the length
    /// summed over exceeds <see cref="MaxReductionLength"/>.</exception>
    public static void DenseBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
        int batch, int inputs, int outputs, bool accumulate, WorkerPool? workers = null)
        => RunDenseBackwardParameters<EngineTiles>(dw, db, x, dz, batch, inputs, outputs, accumulate, workers);

    private static void RunDenseBackwardParameters<TLayer>(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
        int batch, int inputs, int outputs, bool accumulate, WorkerPool? workers)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckSizes(batch, inputs, outputs, reduction: batch, nameof(batch), workers);
        Guard.Rows(dw.Length, inputs, outputs, nameof(dw));
        if (!db.IsEmpty)
        {
            Guard.Rows(db.Length, 1, outputs, nameof(db));
        }
        Guard.Rows(x.Length, batch, inputs, nameof(x));
        Guard.Rows(dz.Length, batch, outputs, nameof(dz));
        if (SimdHelpers.Width == 0)
        {
            Reference.DenseBackwardParameters(dw, db, x, dz, batch, inputs, outputs, accumulate);
            return;
        }
        fixed (float* pdw = dw)
        fixed (float* pdb = db)
        fixed (float* px = x)
        fixed (float* pdz = dz)
        {
            GemmJob job = new()
            {
                C = pdw, Ldc = outputs,
                A = px, ARowStride = 1, AColStride = inputs,
                B = pdz, Ldb = outputs,
                M = inputs, N = outputs, K = batch,
                Product = GemmProduct.WeightGradient,
                Store = accumulate ? GemmStore.Accumulate : GemmStore.Overwrite, Activation = Activation.None,
                SkipZeroInputs = true,
            };
            RunGemm<TLayer>(&job, workers);
            if (!db.IsEmpty)
            {
                ColumnSums(pdb, pdz, batch, outputs, accumulate);
            }
        }
    }

    /// <summary>dx[B×I] = dz[B×O]·wᵀ (overwrites dx).</summary>
    /// <remarks>
    /// This method effectively computes <c>dx[b,i] = Σ_o dz[b,o]·w[i,o]</c>, with fused multiply-adds in increasing o.
    /// wᵀ is packed a panel at a time, so this runs on the same micro-kernel as the forward pass.
    /// <para>An optional <see cref="WorkerPool"/> (last argument) splits the batch rows or input columns; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, a size is negative, or the length
    /// summed over exceeds <see cref="MaxReductionLength"/>.</exception>
    public static void DenseBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, int inputs, int outputs,
        WorkerPool? workers = null)
        => DenseBackwardInput(dx, dz, w, default, batch, inputs, outputs, Activation.None, 0f, workers);

    /// <summary>dx[B×I] = (dz[B×O]·wᵀ) ⊙ act′(y[B×I]): the input gradient with the previous layer's activation
    /// derivative applied, act′ computed from that layer's output <paramref name="y"/> (ignored for <see cref="Activation.None"/>).</summary>
    /// <remarks>
    /// This method effectively computes <c>dx[b,i] = (Σ_o dz[b,o]·w[i,o]) · Reference.Derivative(y[b,i], activation, alpha)</c>,
    /// the sum with fused multiply-adds in increasing o: the same bits as <see cref="DenseBackwardInput(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, WorkerPool?)"/>
    /// followed by <see cref="ActivationBackward"/>, without the second pass over dx: each full tile is multiplied by
    /// act′ in registers before it is stored (Kernels.Gemm.cs, <c>GradientStore</c>).
    /// <para>An optional <see cref="WorkerPool"/> (last argument) splits the batch rows or input columns; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, a size is negative, or the length
    /// summed over exceeds <see cref="MaxReductionLength"/>.</exception>
    public static void DenseBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        int batch, int inputs, int outputs, Activation activation, float alpha, WorkerPool? workers = null)
        => RunDenseBackwardInput<EngineTiles>(dx, dz, w, y, batch, inputs, outputs, activation, alpha, workers);

    private static void RunDenseBackwardInput<TLayer>(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        int batch, int inputs, int outputs, Activation activation, float alpha, WorkerPool? workers)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckSizes(batch, inputs, outputs, reduction: outputs, nameof(outputs), workers);
        Guard.Rows(dx.Length, batch, inputs, nameof(dx));
        Guard.Rows(dz.Length, batch, outputs, nameof(dz));
        Guard.Rows(w.Length, inputs, outputs, nameof(w));
        if (activation != Activation.None)
        {
            Guard.Rows(y.Length, batch, inputs, nameof(y));
        }
        if (SimdHelpers.Width == 0)
        {
            Reference.DenseBackwardInput(dx, dz, w, y, batch, inputs, outputs, activation, alpha);
            return;
        }
        fixed (float* pdx = dx)
        fixed (float* pdz = dz)
        fixed (float* pw = w)
        fixed (float* py = y)
        {
            bool derivative = activation != Activation.None;
            GemmJob job = new()
            {
                C = pdx, Ldc = inputs,
                A = pdz, ARowStride = outputs, AColStride = 1,
                B = pw, Ldb = outputs, BTransposed = true,
                M = batch, N = inputs, K = outputs,
                Product = GemmProduct.InputGradient,
                Store = derivative ? GemmStore.Gradient : GemmStore.Overwrite, Activation = activation, Alpha = alpha,
                Y = derivative ? py : null,
            };
            RunGemm<TLayer>(&job, workers);
        }
    }

    /// <summary>db[O] += Σ_b dz[b,·] (or = when not <paramref name="accumulate"/>), each column summed in increasing b
    /// from 0 before it is added or stored.</summary>
    private static void ColumnSums(float* db, float* dz, int batch, int outputs, bool accumulate)
    {
        int o = 0;
        // An accumulating op: the tail goes scalar rather than overlapping (an overlap would add twice).
        if (Vector512.IsHardwareAccelerated)
        {
            // Four column vectors at once: each column is still one chain of adds in increasing b, but four chains are in
            // flight, so the loop runs at the adder's throughput instead of its latency (≈ 4× for 128 × 512).
            for (; o <= outputs - 4 * Vector512<float>.Count; o += 4 * Vector512<float>.Count)
            {
                Vector512<float> s0 = Vector512<float>.Zero, s1 = Vector512<float>.Zero, s2 = Vector512<float>.Zero, s3 = Vector512<float>.Zero;
                float* row = dz + o;
                for (int b = 0; b < batch; b++, row += outputs)
                {
                    s0 += Vector512.Load(row);
                    s1 += Vector512.Load(row + 16);
                    s2 += Vector512.Load(row + 32);
                    s3 += Vector512.Load(row + 48);
                }
                (accumulate ? Vector512.Load(db + o) + s0 : s0).Store(db + o);
                (accumulate ? Vector512.Load(db + o + 16) + s1 : s1).Store(db + o + 16);
                (accumulate ? Vector512.Load(db + o + 32) + s2 : s2).Store(db + o + 32);
                (accumulate ? Vector512.Load(db + o + 48) + s3 : s3).Store(db + o + 48);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; o <= outputs - Vector256<float>.Count; o += Vector256<float>.Count)
            {
                Vector256<float> sum = Vector256<float>.Zero;
                for (int b = 0; b < batch; b++)
                {
                    sum += Vector256.Load(dz + (nint)b * outputs + o);
                }
                (accumulate ? Vector256.Load(db + o) + sum : sum).Store(db + o);
            }
        }
        for (; o <= outputs - Vector128<float>.Count; o += Vector128<float>.Count)
        {
            Vector128<float> sum = Vector128<float>.Zero;
            for (int b = 0; b < batch; b++)
            {
                sum += Vector128.Load(dz + (nint)b * outputs + o);
            }
            (accumulate ? Vector128.Load(db + o) + sum : sum).Store(db + o);
        }
        for (; o < outputs; o++)
        {
            float sum = 0f;
            for (int b = 0; b < batch; b++)
            {
                sum += dz[(nint)b * outputs + o];
            }
            db[o] = accumulate ? db[o] + sum : sum;
        }
    }

    /// <summary>
    /// Longest sum one dense kernel computes (inputs for the forward pass, batch for the weight gradient, outputs for
    /// the input gradient): 2²⁰. The GEMM packs a K-long panel per thread, so this bounds that scratch to
    /// 2²⁰ × 40 floats (160 MiB) and keeps every offset within 32 bits.
    /// </summary>
    public const int MaxReductionLength = 1 << 20;

    private static void CheckSizes(int batch, int inputs, int outputs, int reduction, string reductionName, WorkerPool? workers)
    {
        if (reduction > MaxReductionLength)
        {
            throw new ArgumentOutOfRangeException(reductionName, reduction,
                $"{reductionName} is the length these kernels sum over; it must be at most {MaxReductionLength}.");
        }
        if (workers is not null)
        {
            ObjectDisposedException.ThrowIf(workers.IsDisposed, workers);
        }
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(inputs);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
    }
}
