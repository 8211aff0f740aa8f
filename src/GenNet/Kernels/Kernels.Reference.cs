namespace GenNet;

public static partial class Kernels
{
    /// <summary>
    /// Naive scalar twin of every kernel: the documentation of what each computes, and the oracle the SIMD
    /// kernels are tested against. Same signatures, same gradient contract.
    /// </summary>
    public static partial class Reference
    {
        /// <summary>y[B×O] = act(x[B×I]·w[I×O] + bias[O]); an empty <paramref name="bias"/> means no bias.</summary>
        public static void DenseForward(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
            int batch, int inputs, int outputs, Activation activation, float alpha)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    float z = bias.IsEmpty ? 0f : bias[o];
                    for (int i = 0; i < inputs; i++)
                    {
                        z += x[b * inputs + i] * w[i * outputs + o];
                    }
                    y[b * outputs + o] = Activate(z, activation, alpha);
                }
            }
        }

        /// <summary>dw[I×O] = xᵀ·dz; db[O] = Σ_b dz[b,·] (skipped when <paramref name="db"/> is empty).</summary>
        public static void DenseBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
            int batch, int inputs, int outputs)
        {
            for (int i = 0; i < inputs; i++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    float sum = 0f;
                    for (int b = 0; b < batch; b++)
                    {
                        sum += x[b * inputs + i] * dz[b * outputs + o];
                    }
                    dw[i * outputs + o] = sum;
                }
            }
            if (!db.IsEmpty)
            {
                for (int o = 0; o < outputs; o++)
                {
                    float sum = 0f;
                    for (int b = 0; b < batch; b++)
                    {
                        sum += dz[b * outputs + o];
                    }
                    db[o] = sum;
                }
            }
        }

        /// <summary>dx[B×I] = dz[B×O]·wᵀ (overwrites dx).</summary>
        public static void DenseBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, int inputs, int outputs)
            => DenseBackwardInput(dx, dz, w, default, batch, inputs, outputs, Activation.None, 0f);

        /// <summary>dx[B×I] = (dz[B×O]·wᵀ) ⊙ act′(y[B×I]), act′ from the previous layer's output y.</summary>
        public static void DenseBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
            int batch, int inputs, int outputs, Activation activation, float alpha)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    float sum = 0f;
                    for (int o = 0; o < outputs; o++)
                    {
                        sum += dz[b * outputs + o] * w[i * outputs + o];
                    }
                    dx[b * inputs + i] = activation == Activation.None ? sum : sum * Derivative(y[b * inputs + i], activation, alpha);
                }
            }
        }

        /// <summary>dy ← dy ⊙ act′, with act′ computed from the activation's output <paramref name="y"/>.</summary>
        public static void ActivationBackward(Span<float> dy, ReadOnlySpan<float> y, Activation activation, float alpha)
        {
            for (int k = 0; k < dy.Length; k++)
            {
                dy[k] *= Derivative(y[k], activation, alpha);
            }
        }

        /// <summary>
        /// Row-wise softmax of logits z[B×C] fused with cross-entropy: returns Σ_b −log softmax(z_b)[label_b] and writes
        /// dz = (softmax(z) − onehot(label)) · <paramref name="gradientScale"/>.
        /// </summary>
        public static float SoftmaxCrossEntropy(Span<float> dz, ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes, float gradientScale)
        {
            float total = 0f;
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> row = z.Slice(b * classes, classes);
                float max = float.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = MathF.Max(max, row[c]);
                float sum = 0f;
                for (int c = 0; c < classes; c++) sum += MathF.Exp(row[c] - max);
                total += MathF.Log(sum) + max - row[labels[b]];
                for (int c = 0; c < classes; c++)
                {
                    float p = MathF.Exp(row[c] - max) / sum;
                    dz[b * classes + c] = (p - (c == labels[b] ? 1f : 0f)) * gradientScale;
                }
            }
            return total;
        }

        /// <summary>Σ_b −log softmax(z_b)[label_b], without gradients.</summary>
        public static float CrossEntropyLoss(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
        {
            float total = 0f;
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> row = z.Slice(b * classes, classes);
                float max = float.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = MathF.Max(max, row[c]);
                float sum = 0f;
                for (int c = 0; c < classes; c++) sum += MathF.Exp(row[c] - max);
                total += MathF.Log(sum) + max - row[labels[b]];
            }
            return total;
        }

        /// <summary>p[B×C] = row-wise softmax(z); p may alias z.</summary>
        public static void Softmax(Span<float> p, ReadOnlySpan<float> z, int batch, int classes)
        {
            for (int b = 0; b < batch; b++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = MathF.Max(max, z[b * classes + c]);
                float sum = 0f;
                for (int c = 0; c < classes; c++)
                {
                    float e = MathF.Exp(z[b * classes + c] - max);
                    p[b * classes + c] = e;
                    sum += e;
                }
                for (int c = 0; c < classes; c++) p[b * classes + c] /= sum;
            }
        }

        /// <summary>Number of rows of z[B×C] whose arg-max (first on ties) equals the label.</summary>
        public static int CountCorrect(ReadOnlySpan<float> z, ReadOnlySpan<int> labels, int batch, int classes)
        {
            int correct = 0;
            for (int b = 0; b < batch; b++)
            {
                if (ArgMax(z.Slice(b * classes, classes)) == labels[b]) correct++;
            }
            return correct;
        }

        /// <summary>Returns Σ (y − t)² and writes dz = 2(y − t) · <paramref name="gradientScale"/> (dz may be empty: loss only).</summary>
        public static float SquaredError(Span<float> dz, ReadOnlySpan<float> y, ReadOnlySpan<float> t, float gradientScale)
        {
            float total = 0f;
            for (int k = 0; k < y.Length; k++)
            {
                float d = y[k] - t[k];
                total += d * d;
                if (!dz.IsEmpty) dz[k] = 2f * d * gradientScale;
            }
            return total;
        }

        /// <summary>Index of the largest value, the first one on ties.</summary>
        public static int ArgMax(ReadOnlySpan<float> values)
        {
            int best = 0;
            for (int k = 1; k < values.Length; k++)
            {
                if (values[k] > values[best]) best = k;
            }
            return best;
        }

        /// <summary>act(z).</summary>
        public static float Activate(float z, Activation activation, float alpha) => activation switch
        {
            Activation.ReLU => z > 0f ? z : 0f,
            Activation.LeakyReLU => z > 0f ? z : alpha * z,
            Activation.Sigmoid => 1f / (1f + MathF.Exp(-z)),
            Activation.Tanh => MathF.Tanh(z),
            _ => z,
        };

        /// <summary>act′ expressed through the activation's output y (valid for alpha &gt; 0).</summary>
        public static float Derivative(float y, Activation activation, float alpha) => activation switch
        {
            Activation.ReLU => y > 0f ? 1f : 0f,
            Activation.LeakyReLU => y > 0f ? 1f : alpha,
            Activation.Sigmoid => y * (1f - y),
            Activation.Tanh => 1f - y * y,
            _ => 1f,
        };
    }
}
