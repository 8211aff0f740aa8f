using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

/// <summary>
/// The one multiply-add every optimizer loop uses, in a scalar and a <see cref="Vector{T}"/> form that round alike.
/// </summary>
/// <remarks>
/// Both forms fuse (one rounding) exactly when <see cref="Fma.IsSupported"/>, and both multiply then add (two
/// roundings) otherwise. Because sqrt, division and the other element-wise operations are correctly rounded in
/// both forms too, an element's update has the same bits whether it fell in a vector or in the scalar tail.
/// <see cref="Fma.IsSupported"/> is a JIT-time constant, so the unused branch disappears.
/// The update loops use <see cref="Vector{T}"/> rather than a fixed width so that one loop serves AVX2 (8 lanes),
/// SSE/AdvSimd (4 lanes, e.g. under <c>DOTNET_EnableAVX2=0</c>) and, when
/// <see cref="Vector.IsHardwareAccelerated"/> is false, falls through to the scalar loop alone. The loops
/// read-modify-write their state, so the tail is finished with scalar code, never with an overlapping vector.
/// </remarks>
internal static class OptimMath
{
    /// <summary>a·b + c, fused when the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c)
        => Fma.IsSupported ? MathF.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>a·b + c lane-wise, fused when the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MulAdd(Vector<float> a, Vector<float> b, Vector<float> c)
        => Fma.IsSupported ? Vector.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>True when the update loops should take the vector path for an arena of <paramref name="length"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool UseVectors(int length)
        => Vector.IsHardwareAccelerated && length >= Vector<float>.Count;
}
