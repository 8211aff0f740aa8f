using System.Runtime.Intrinsics;

namespace GenNet;

// Dense layer: forward and both backwards side by side (house style 11), for a generated layer TLayer
// (Kernels.DenseLayer.cs), whose sizes, bias and activations are constants and whose register tiles run every
// Vector512 and Vector256 tile of its products.
//   forward                 y[B×O]  = act(x[B×I]·w[I×O] + bias[O])        (overwrites y)
//   backward, parameters    dw[I×O] = xᵀ·dz,  db[O] = Σ_b dz[b,·]          (overwrites)
//   backward, input         dx[B×I] = (dz[B×O]·wᵀ) ⊙ act′(y[B×I])          (overwrites; act the previous layer's, or none)
// Generated networks write each parameter gradient exactly once per step, so the parameter gradients overwrite too and
// the gradient arena needs no clearing pass (a 1.6 MB pass for MNIST, ≈ 17 µs of a ≈ 2 ms step).
// All three run on the GEMM engine in Gemm/; with a WorkerPool they split over independent outputs only, so results are
// bit-identical for any thread count. The forward pass and the weight gradient leave out the terms whose input x is
// zero ("Zero skipping" in Gemm/Kernels.Gemm.cs): exact for finite values, and half the work on MNIST. The scalar twins
// are Reference.DenseForward, DenseBackwardParameters and DenseBackwardInput (Kernels.Reference.cs).
public static unsafe partial class Kernels
{
    /// <summary>y[B×O] = act(x[B×I]·w[I×O] + bias[O]) for a generated layer: sizes, bias and activation are
    /// <typeparamref name="TLayer"/>'s; <paramref name="bias"/> is empty exactly when the layer has none.</summary>
    /// <remarks>
    /// This method effectively computes <c>y[b,o] = act(bias[o] + Σ_i x[b,i]·w[i,o])</c> for every b and o, summing
    /// with fused multiply-adds in increasing i and adding the bias last. Terms whose x[b,i] is zero are left out, which
    /// changes at most the sign of a zero result, unless w holds ∞ or NaN (0·∞ would have been NaN).
    /// <para>An optional <see cref="WorkerPool"/> (last argument) splits the batch rows or output columns; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, <paramref name="bias"/> does not
    /// match <typeparamref name="TLayer"/>, the batch is negative, or the length summed over exceeds
    /// <see cref="MaxReductionLength"/>.</exception>
    public static void DenseForward<TLayer>(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        if (bias.IsEmpty == TLayer.HasBias)
        {
            throw new ArgumentException(TLayer.HasBias ? "The layer has a bias; pass it." : "The layer has no bias; pass an empty span.", nameof(bias));
        }
        int inputs = TLayer.Inputs, outputs = TLayer.Outputs;
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
            Reference.DenseForward(y, x, w, bias, batch, inputs, outputs, TLayer.Activation, TLayer.Alpha);
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
                Product = GemmProduct.Forward, Store = GemmStore.Overwrite, Activation = TLayer.Activation, Alpha = TLayer.Alpha,
                SkipZeroInputs = true,
            };
            RunGemm<TLayer>(&job, workers);
        }
    }

    /// <summary>dw[I×O] = xᵀ·dz; db[O] = Σ_b dz[b,·] (skipped when <paramref name="db"/> is empty) for a generated layer,
    /// with <typeparamref name="TLayer"/>'s sizes.</summary>
    /// <remarks>
    /// This method effectively computes <c>dw[i,o] = Σ_b x[b,i]·dz[b,o]</c> with fused multiply-adds in increasing b,
    /// and <c>db[o] = Σ_b dz[b,o]</c> in increasing b. Threads split the rows i of dw, or its column blocks, so there is
    /// no cross-thread reduction. Terms whose x[b,i] is zero are left out, which changes at most the sign of a zero
    /// result, unless dz holds ∞ or NaN: a non-finite dz[b,o] then still reaches db and every dw[i,o] with x[b,i] ≠ 0,
    /// and the others depending on the tiling (Gemm/Kernels.Gemm.cs, "Zero skipping").
    /// <para>An optional <see cref="WorkerPool"/> splits the rows or column blocks of dw; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, the batch is negative, or it exceeds
    /// <see cref="MaxReductionLength"/>.</exception>
    public static void DenseBackwardParameters<TLayer>(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
        int batch, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        int inputs = TLayer.Inputs, outputs = TLayer.Outputs;
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
            Reference.DenseBackwardParameters(dw, db, x, dz, batch, inputs, outputs);
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
                Product = GemmProduct.WeightGradient, Store = GemmStore.Overwrite, Activation = Activation.None,
                SkipZeroInputs = true,
            };
            RunGemm<TLayer>(&job, workers);
            if (!db.IsEmpty)
            {
                ColumnSums(pdb, pdz, batch, outputs);
            }
        }
    }

    /// <summary>dx[B×I] = (dz[B×O]·wᵀ) ⊙ act′(y[B×I]) for a generated layer, act = <typeparamref name="TLayer"/>'s
    /// <see cref="IDenseLayerKernels.InputActivation"/> (none: dx = dz·wᵀ, and <paramref name="y"/> is ignored).</summary>
    /// <remarks>
    /// This method effectively computes <c>dx[b,i] = (Σ_o dz[b,o]·w[i,o]) · Reference.Derivative(y[b,i], act, alpha)</c>,
    /// the sum with fused multiply-adds in increasing o. wᵀ is packed a panel at a time, so this runs on the same tiles as
    /// the forward pass; each full tile is multiplied by act′ in registers before it is stored.
    /// <para>An optional <see cref="WorkerPool"/> (last argument) splits the batch rows or input columns; null runs on the caller.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, the batch is negative, or the length
    /// summed over exceeds <see cref="MaxReductionLength"/>.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TLayer"/> is a first layer, which has no input gradient.</exception>
    public static void DenseBackwardInput<TLayer>(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        int batch, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        if (!TLayer.HasInputGradientTile)
        {
            throw new InvalidOperationException("A network's first layer has no input gradient.");
        }
        int inputs = TLayer.Inputs, outputs = TLayer.Outputs;
        Activation activation = TLayer.InputActivation;
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
            Reference.DenseBackwardInput(dx, dz, w, y, batch, inputs, outputs, activation, TLayer.InputAlpha);
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
                Store = derivative ? GemmStore.Gradient : GemmStore.Overwrite, Activation = activation, Alpha = TLayer.InputAlpha,
                Y = derivative ? py : null,
            };
            RunGemm<TLayer>(&job, workers);
        }
    }

    /// <summary>db[O] = Σ_b dz[b,·], each column summed in increasing b from 0.</summary>
    private static void ColumnSums(float* db, float* dz, int batch, int outputs)
    {
        int o = 0;
        // A reduction: the tail goes scalar rather than overlapping (house style 9).
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
                s0.Store(db + o);
                s1.Store(db + o + 16);
                s2.Store(db + o + 32);
                s3.Store(db + o + 48);
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
                sum.Store(db + o);
            }
        }
        for (; o <= outputs - Vector128<float>.Count; o += Vector128<float>.Count)
        {
            Vector128<float> sum = Vector128<float>.Zero;
            for (int b = 0; b < batch; b++)
            {
                sum += Vector128.Load(dz + (nint)b * outputs + o);
            }
            sum.Store(db + o);
        }
        for (; o < outputs; o++)
        {
            float sum = 0f;
            for (int b = 0; b < batch; b++)
            {
                sum += dz[(nint)b * outputs + o];
            }
            db[o] = sum;
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
