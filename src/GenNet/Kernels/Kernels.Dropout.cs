using System.Numerics;

namespace GenNet;

public static partial class Kernels
{
    /// <summary>
    /// Inverted dropout: mask[k] = 0 with probability <paramref name="rate"/>, else 1/(1 − rate); y = x ⊙ mask.
    /// </summary>
    /// <remarks>
    /// One uniform draw per element, in order, so the masks follow from the generator's state alone. The draw is
    /// sequential by nature, so this kernel is its own scalar twin.
    /// </remarks>
    public static void DropoutForward(Span<float> y, Span<float> mask, ReadOnlySpan<float> x, float rate, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(rate > 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be greater than 0 and less than 1.");
        }
        if (y.Length < x.Length || mask.Length < x.Length)
        {
            throw new ArgumentException($"y and mask need {x.Length} values; they hold {y.Length} and {mask.Length}.");
        }
        float keep = 1f / (1f - rate);
        for (int k = 0; k < x.Length; k++)
        {
            float m = rng.NextFloat() < rate ? 0f : keep;
            mask[k] = m;
            y[k] = x[k] * m;
        }
    }

    /// <summary>dy ← dy ⊙ mask: the gradient flows only through the values dropout kept, scaled as they were.</summary>
    public static void DropoutBackward(Span<float> dy, ReadOnlySpan<float> mask)
    {
        if (mask.Length < dy.Length)
        {
            throw new ArgumentException($"mask holds {mask.Length} values; dy needs {dy.Length}.", nameof(mask));
        }
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; k <= dy.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                (new Vector<float>(dy.Slice(k)) * new Vector<float>(mask.Slice(k))).CopyTo(dy.Slice(k));
            }
        }
        for (; k < dy.Length; k++)
        {
            dy[k] *= mask[k];
        }
    }
}
