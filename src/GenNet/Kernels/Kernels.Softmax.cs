namespace GenNet;

// Softmax cross-entropy loss head and its relatives, row by row over z[B×C] (C = classes).
//   forward + backward   loss = Σ_b −log softmax(z_b)[label_b];  dz = (softmax(z) − onehot(label))·scale   (overwrites)
//   inference            CrossEntropyLoss (loss only), Softmax (probabilities), CountCorrect (arg-max hits)
// C is small (10 for MNIST), so these stay scalar: exp is MathF.Exp, exactly the reference's, evaluated once per
// element instead of twice. Outputs may alias z: each element is read before it is overwritten.
public static partial class Kernels
{
    /// <summary>Fused softmax + cross-entropy: returns the summed loss, writes dz = (p − onehot)·scale.</summary>
    /// <remarks>
    /// This method effectively computes, per row b, <c>m = max_c z[b,c]</c>, <c>s = Σ_c e^(z[b,c] − m)</c>, the loss
    /// <c>ln s + m − z[b, label_b]</c>, and <c>dz[b,c] = (e^(z[b,c] − m)/s − [c = label_b])·gradientScale</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">A span is too short, or a label lies outside [0, classes).</exception>
    public static float SoftmaxCrossEntropy(Span<float> dz, ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes, float gradientScale)
    {
        CheckRows(z, labels, batch, classes);
        Guard.Rows(dz.Length, batch, classes, nameof(dz));
        float total = 0f;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = z.Slice(b * classes, classes);
            Span<float> grad = dz.Slice(b * classes, classes);
            int label = labels[b];
            float max = RowMax(row);
            float target = row[label];
            float sum = 0f;
            for (int c = 0; c < row.Length; c++)
            {
                float e = MathF.Exp(row[c] - max);
                sum += e;
                grad[c] = e;
            }
            total += MathF.Log(sum) + max - target;
            for (int c = 0; c < grad.Length; c++)
            {
                grad[c] = (grad[c] / sum - (c == label ? 1f : 0f)) * gradientScale;
            }
        }
        return total;
    }

    /// <summary>Summed cross-entropy of logits against labels, without gradients.</summary>
    /// <remarks>This method effectively computes <c>Σ_b ln Σ_c e^(z[b,c] − m_b) + m_b − z[b, label_b]</c>, m_b the row max.</remarks>
    /// <exception cref="ArgumentException">A span is too short, or a label lies outside [0, classes).</exception>
    public static float CrossEntropyLoss(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
    {
        CheckRows(z, labels, batch, classes);
        float total = 0f;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = z.Slice(b * classes, classes);
            float max = RowMax(row);
            float sum = 0f;
            for (int c = 0; c < row.Length; c++)
            {
                sum += MathF.Exp(row[c] - max);
            }
            total += MathF.Log(sum) + max - row[labels[b]];
        }
        return total;
    }

    /// <summary>Row-wise softmax; p may alias z.</summary>
    /// <remarks>This method effectively computes <c>p[b,c] = e^(z[b,c] − m_b) / Σ_c′ e^(z[b,c′] − m_b)</c>, m_b the row max.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than <paramref name="batch"/> × <paramref name="classes"/>.</exception>
    public static void Softmax(Span<float> p, ReadOnlySpan<float> z, int batch, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        Guard.Rows(p.Length, batch, classes, nameof(p));
        Guard.Rows(z.Length, batch, classes, nameof(z));
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = z.Slice(b * classes, classes);
            Span<float> output = p.Slice(b * classes, classes);
            float max = RowMax(row);
            float sum = 0f;
            for (int c = 0; c < row.Length; c++)
            {
                float e = MathF.Exp(row[c] - max);
                output[c] = e;
                sum += e;
            }
            for (int c = 0; c < output.Length; c++)
            {
                output[c] /= sum;
            }
        }
    }

    /// <summary>Rows whose arg-max equals the label.</summary>
    /// <remarks>This method effectively counts the b with <c>Reference.ArgMax(z[b,·]) == labels[b]</c> (first index on ties).</remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static int CountCorrect(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        Guard.Rows(z.Length, batch, classes, nameof(z));
        Guard.Rows(labels.Length, batch, 1, nameof(labels));
        int correct = 0;
        for (int b = 0; b < batch; b++)
        {
            if (Reference.ArgMax(z.Slice(b * classes, classes)) == labels[b])
            {
                correct++;
            }
        }
        return correct;
    }

    private static void CheckRows(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        Guard.Rows(z.Length, batch, classes, nameof(z));
        Guard.Rows(labels.Length, batch, 1, nameof(labels));
        Guard.Labels(labels[..batch], classes, nameof(labels));
    }

    private static float RowMax(ReadOnlySpan<float> row)
    {
        float max = float.NegativeInfinity;
        for (int c = 0; c < row.Length; c++)
        {
            max = MathF.Max(max, row[c]);
        }
        return max;
    }
}
