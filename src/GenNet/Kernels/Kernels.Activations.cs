using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenNet;

// Activations. The forward is fused into DenseForward's tile store (Gemm/Kernels.Gemm.Epilogue.cs and the generated fused tiles); the backward is here.
//   backward    dy[n] ← dy[n] · act′(y[n])     (in place; act′ from the activation's output y)
public static partial class Kernels
{
    /// <summary>dy ← dy ⊙ act′(y), with act′ computed from the activation's output <paramref name="y"/>.</summary>
    /// <remarks>
    /// This method effectively computes <c>dy[k] *= Reference.Derivative(y[k], activation, alpha)</c> for every k, with
    /// the same operations in the same order, so it matches the reference bit for bit.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="dy"/>.</exception>
    public static void ActivationBackward(Span<float> dy, ReadOnlySpan<float> y, Activation activation, float alpha)
    {
        if (y.Length < dy.Length)
        {
            throw new ArgumentException($"y holds {y.Length} values; dy needs {dy.Length}.", nameof(y));
        }
        switch (activation)
        {
            case Activation.ReLU: Apply(dy, dy, y, new ReluDerivative()); break;
            case Activation.LeakyReLU: Apply(dy, dy, y, new LeakyReluDerivative(alpha)); break;
            case Activation.Sigmoid: Apply(dy, dy, y, new SigmoidDerivative()); break;
            case Activation.Tanh: Apply(dy, dy, y, new TanhDerivative()); break;
            default: break; // identity: act′ = 1 and dy · 1 = dy
        }
    }

    /// <summary>act′ as a function of the activation's output, at every vector width and as a scalar.</summary>
    private interface IDerivative
    {
        float Invoke(float y);
        Vector128<float> Invoke(Vector128<float> y);
        Vector256<float> Invoke(Vector256<float> y);
        Vector512<float> Invoke(Vector512<float> y);
    }

    /// <summary>result[k] = dy[k] · op(y[k]) down the width ladder; result may be dy itself (each element is read
    /// before it is written). The tail is scalar: re-running an overlapping last vector in place would multiply some
    /// elements twice.</summary>
    private static void Apply<TOp>(Span<float> result, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, TOp op) where TOp : struct, IDerivative
    {
        ref float r = ref MemoryMarshal.GetReference(result);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float s = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)dy.Length;
        nuint k = 0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            nuint last = n - (nuint)Vector512<float>.Count;
            do
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref d, k) * op.Invoke(Vector512.LoadUnsafe(ref s, k));
                v.StoreUnsafe(ref r, k);
                k += (nuint)Vector512<float>.Count;
            }
            while (k <= last);
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            nuint last = n - (nuint)Vector256<float>.Count;
            do
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref d, k) * op.Invoke(Vector256.LoadUnsafe(ref s, k));
                v.StoreUnsafe(ref r, k);
                k += (nuint)Vector256<float>.Count;
            }
            while (k <= last);
        }
        if (Vector128.IsHardwareAccelerated && n - k >= (nuint)Vector128<float>.Count)
        {
            nuint last = n - (nuint)Vector128<float>.Count;
            do
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref d, k) * op.Invoke(Vector128.LoadUnsafe(ref s, k));
                v.StoreUnsafe(ref r, k);
                k += (nuint)Vector128<float>.Count;
            }
            while (k <= last);
        }
        for (; k < n; k++)
        {
            Unsafe.Add(ref r, k) = Unsafe.Add(ref d, k) * op.Invoke(Unsafe.Add(ref s, k));
        }
    }

    /// <summary>y &gt; 0 ? 1 : 0.</summary>
    private readonly struct ReluDerivative : IDerivative
    {
        public float Invoke(float y) => y > 0f ? 1f : 0f;
        public Vector128<float> Invoke(Vector128<float> y) => Vector128.GreaterThan(y, Vector128<float>.Zero) & Vector128<float>.One;
        public Vector256<float> Invoke(Vector256<float> y) => Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256<float>.One;
        public Vector512<float> Invoke(Vector512<float> y) => Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512<float>.One;
    }

    /// <summary>y &gt; 0 ? 1 : alpha.</summary>
    private readonly struct LeakyReluDerivative(float alpha) : IDerivative
    {
        public float Invoke(float y) => y > 0f ? 1f : alpha;
        public Vector128<float> Invoke(Vector128<float> y)
            => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), Vector128<float>.One, Vector128.Create(alpha));
        public Vector256<float> Invoke(Vector256<float> y)
            => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(alpha));
        public Vector512<float> Invoke(Vector512<float> y)
            => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), Vector512<float>.One, Vector512.Create(alpha));
    }

    /// <summary>y·(1 − y).</summary>
    private readonly struct SigmoidDerivative : IDerivative
    {
        public float Invoke(float y) => y * (1f - y);
        public Vector128<float> Invoke(Vector128<float> y) => y * (Vector128<float>.One - y);
        public Vector256<float> Invoke(Vector256<float> y) => y * (Vector256<float>.One - y);
        public Vector512<float> Invoke(Vector512<float> y) => y * (Vector512<float>.One - y);
    }

    /// <summary>1 − y².</summary>
    private readonly struct TanhDerivative : IDerivative
    {
        public float Invoke(float y) => 1f - y * y;
        public Vector128<float> Invoke(Vector128<float> y) => Vector128<float>.One - y * y;
        public Vector256<float> Invoke(Vector256<float> y) => Vector256<float>.One - y * y;
        public Vector512<float> Invoke(Vector512<float> y) => Vector512<float>.One - y * y;
    }
}
