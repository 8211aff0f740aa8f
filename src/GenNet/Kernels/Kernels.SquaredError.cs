using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenNet;

// Squared-error loss head: the loss and its gradient in one pass.
//   loss       Σ_n (y[n] − t[n])²
//   gradient   dz[n] = 2·(y[n] − t[n])·scale     (overwrites; skipped when dz is empty)
public static partial class Kernels
{
    /// <summary>Σ (y − t)²; writes dz = 2(y − t)·scale unless dz is empty.</summary>
    /// <remarks>
    /// This method effectively computes <c>Σ_k (y[k] − t[k])²</c> and <c>dz[k] = 2·(y[k] − t[k])·gradientScale</c>. The
    /// gradient matches the reference bit for bit; the sum is formed in vector lanes, so it differs from the
    /// reference's sequential sum only by rounding.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="t"/>, or a non-empty <paramref name="dz"/>, is shorter than <paramref name="y"/>.</exception>
    public static float SquaredError(Span<float> dz, ReadOnlySpan<float> y, ReadOnlySpan<float> t, float gradientScale)
    {
        if (t.Length < y.Length)
        {
            throw new ArgumentException($"t holds {t.Length} values; y has {y.Length}.", nameof(t));
        }
        if (!dz.IsEmpty && dz.Length < y.Length)
        {
            throw new ArgumentException($"dz holds {dz.Length} values; y has {y.Length}.", nameof(dz));
        }
        bool writeGradient = !dz.IsEmpty;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float tr = ref MemoryMarshal.GetReference(t);
        ref float dr = ref MemoryMarshal.GetReference(dz);
        nuint n = (nuint)y.Length;
        nuint k = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            Vector512<float> sum = Vector512<float>.Zero;
            Vector512<float> s2 = Vector512.Create(gradientScale);
            for (; k <= n - (nuint)Vector512<float>.Count; k += (nuint)Vector512<float>.Count)
            {
                Vector512<float> d = Vector512.LoadUnsafe(ref yr, k) - Vector512.LoadUnsafe(ref tr, k);
                sum += d * d;
                if (writeGradient)
                {
                    (Vector512.Create(2f) * d * s2).StoreUnsafe(ref dr, k);
                }
            }
            total = Vector512.Sum(sum);
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            Vector256<float> sum = Vector256<float>.Zero;
            Vector256<float> s2 = Vector256.Create(gradientScale);
            for (; k <= n - (nuint)Vector256<float>.Count; k += (nuint)Vector256<float>.Count)
            {
                Vector256<float> d = Vector256.LoadUnsafe(ref yr, k) - Vector256.LoadUnsafe(ref tr, k);
                sum += d * d;
                if (writeGradient)
                {
                    (Vector256.Create(2f) * d * s2).StoreUnsafe(ref dr, k);
                }
            }
            total = Vector256.Sum(sum);
        }
        else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<float>.Count)
        {
            Vector128<float> sum = Vector128<float>.Zero;
            Vector128<float> s2 = Vector128.Create(gradientScale);
            for (; k <= n - (nuint)Vector128<float>.Count; k += (nuint)Vector128<float>.Count)
            {
                Vector128<float> d = Vector128.LoadUnsafe(ref yr, k) - Vector128.LoadUnsafe(ref tr, k);
                sum += d * d;
                if (writeGradient)
                {
                    (Vector128.Create(2f) * d * s2).StoreUnsafe(ref dr, k);
                }
            }
            total = Vector128.Sum(sum);
        }
        // A reduction: the tail goes scalar (an overlapping vector would count elements twice).
        for (; k < n; k++)
        {
            float d = Unsafe.Add(ref yr, k) - Unsafe.Add(ref tr, k);
            total += d * d;
            if (writeGradient)
            {
                Unsafe.Add(ref dr, k) = 2f * d * gradientScale;
            }
        }
        return total;
    }
}
