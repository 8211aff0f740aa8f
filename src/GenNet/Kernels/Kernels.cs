namespace GenNet;

/// <summary>
/// The numeric kernels generated networks call, with every size passed as a literal constant.
/// </summary>
/// <remarks>
/// Argument order: outputs, then inputs, then sizes (B = batch, I = inputs, O = outputs). Gradient contract:
/// parameter gradients accumulate (<c>+=</c>); activation gradients overwrite (<c>=</c>).
/// Weights are row-major [I × O]. Each kernel has a scalar twin in <see cref="Reference"/>.
/// </remarks>
public static partial class Kernels
{
    /// <summary>y[B×O] = act(x[B×I]·w[I×O] + bias[O]).</summary>
    public static void DenseForward(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int inputs, int outputs, Activation activation, float alpha)
        => Reference.DenseForward(y, x, w, bias, batch, inputs, outputs, activation, alpha);

    /// <summary>dw[I×O] += xᵀ·dz; db[O] += Σ_b dz[b,·].</summary>
    public static void DenseBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
        int batch, int inputs, int outputs)
        => Reference.DenseBackwardParameters(dw, db, x, dz, batch, inputs, outputs);

    /// <summary>dx[B×I] = dz[B×O]·wᵀ.</summary>
    public static void DenseBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, int inputs, int outputs)
        => Reference.DenseBackwardInput(dx, dz, w, batch, inputs, outputs);

    /// <summary>dy ← dy ⊙ act′(y).</summary>
    public static void ActivationBackward(Span<float> dy, ReadOnlySpan<float> y, Activation activation, float alpha)
        => Reference.ActivationBackward(dy, y, activation, alpha);

    /// <summary>Fused softmax + cross-entropy: returns the summed loss, writes dz = (p − onehot)·scale.</summary>
    public static float SoftmaxCrossEntropy(Span<float> dz, ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes, float gradientScale)
        => Reference.SoftmaxCrossEntropy(dz, z, labels, batch, classes, gradientScale);

    /// <summary>Summed cross-entropy of logits against labels, without gradients.</summary>
    public static float CrossEntropyLoss(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
        => Reference.CrossEntropyLoss(z, labels, batch, classes);

    /// <summary>Row-wise softmax; p may alias z.</summary>
    public static void Softmax(Span<float> p, ReadOnlySpan<float> z, int batch, int classes)
        => Reference.Softmax(p, z, batch, classes);

    /// <summary>Rows whose arg-max equals the label.</summary>
    public static int CountCorrect(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
        => Reference.CountCorrect(z, labels, batch, classes);

    /// <summary>Σ (y − t)²; writes dz = 2(y − t)·scale unless dz is empty.</summary>
    public static float SquaredError(Span<float> dz, ReadOnlySpan<float> y, ReadOnlySpan<float> t, float gradientScale)
        => Reference.SquaredError(dz, y, t, gradientScale);
}
