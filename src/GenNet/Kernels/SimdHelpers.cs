using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

/// <summary>Small vector helpers of the runtime's kernels (the one-row path, the Vector128 tiles, the epilogue): the FMA
/// gate and the width ladder. The Vector512 and Vector256 tiles are generated per layer with their own copies.</summary>
internal static class SimdHelpers
{
    /// <summary>The widest vector width (in bits) the kernels use on this process: 512, 256, 128, or 0 for scalar.</summary>
    /// <remarks>
    /// A <c>static readonly</c> read is a JIT-time constant in tiered code, so every branch on it folds away. Vector512 is
    /// only taken with AVX-512F, so its FMA never needs a software fallback.
    /// </remarks>
    public static readonly int Width =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>a·b + c, fused (one rounding) when the CPU has FMA, else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>a·b + c, fused (one rounding) when the CPU has FMA, else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>a·b + c, fused; only called on the Vector512 path, which requires AVX-512F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        => Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>Lane-wise z &gt; 0 ? z : 0, exactly as <see cref="Kernels.Reference.Activate"/> (−0 and NaN give +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> z) => z & Vector128.GreaterThan(z, Vector128<float>.Zero);

    /// <inheritdoc cref="Relu(Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> z) => z & Vector256.GreaterThan(z, Vector256<float>.Zero);

    /// <summary>Lane-wise z &gt; 0 ? z : alpha·z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LeakyRelu(Vector128<float> z, Vector128<float> alpha)
        => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, alpha * z);

    /// <inheritdoc cref="LeakyRelu(Vector128{float}, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyRelu(Vector256<float> z, Vector256<float> alpha)
        => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, alpha * z);

    /// <summary>Lane-wise 1 / (1 + e^−z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z) => Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-z));

    /// <inheritdoc cref="Sigmoid(Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-z));
}
