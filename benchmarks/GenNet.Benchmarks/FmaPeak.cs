using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenNet.Benchmarks;

/// <summary>
/// <c>--fma-peak</c>: the FMA peak of this core, measured, for the "% of peak" figures: 12 independent Vector256 and 16
/// independent Vector512 multiply-add chains (enough to cover the FMA latency on two pipes), no memory traffic, best of
/// five ~0.2 s rounds. Run two at once to see the peak of both cores.
/// </summary>
internal static class FmaPeak
{
    public static int Run()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Vector256 FMA peak: {Best(Chains256):F1} GFLOP/s per core (Fma.IsSupported = {System.Runtime.Intrinsics.X86.Fma.IsSupported})"));
        if (Vector512.IsHardwareAccelerated)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Vector512 FMA peak: {Best(Chains512):F1} GFLOP/s per core"));
        }
        else
        {
            Console.WriteLine("Vector512: not accelerated here (no AVX-512, or DOTNET_EnableAVX512=0)");
        }
        return 0;
    }

    private static double Best(Func<long, float> chains)
    {
        const long flops = 20_000_000_000; // ≈ 0.2 s at 100 GFLOP/s
        chains(1_000_000);
        double best = 0;
        for (int round = 0; round < 5; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            float sink = chains(flops);
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            GC.KeepAlive(sink);
            best = Math.Max(best, flops / seconds);
        }
        return best / 1e9;
    }

    // Each runs about `flops` FLOPs: 12 chains × 8 lanes × 2 = 192 per iteration here.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains256(long flops)
    {
        Vector256<float> b = Vector256.Create(0.999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(0f), a1 = Vector256.Create(1f), a2 = Vector256.Create(2f), a3 = Vector256.Create(3f);
        Vector256<float> a4 = Vector256.Create(4f), a5 = Vector256.Create(5f), a6 = Vector256.Create(6f), a7 = Vector256.Create(7f);
        Vector256<float> a8 = Vector256.Create(8f), a9 = Vector256.Create(9f), a10 = Vector256.Create(10f), a11 = Vector256.Create(11f);
        for (long n = flops / 192; n > 0; n--)
        {
            a0 = SimdHelpers.MultiplyAdd(a0, b, c); a1 = SimdHelpers.MultiplyAdd(a1, b, c); a2 = SimdHelpers.MultiplyAdd(a2, b, c);
            a3 = SimdHelpers.MultiplyAdd(a3, b, c); a4 = SimdHelpers.MultiplyAdd(a4, b, c); a5 = SimdHelpers.MultiplyAdd(a5, b, c);
            a6 = SimdHelpers.MultiplyAdd(a6, b, c); a7 = SimdHelpers.MultiplyAdd(a7, b, c); a8 = SimdHelpers.MultiplyAdd(a8, b, c);
            a9 = SimdHelpers.MultiplyAdd(a9, b, c); a10 = SimdHelpers.MultiplyAdd(a10, b, c); a11 = SimdHelpers.MultiplyAdd(a11, b, c);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }

    // 16 chains × 16 lanes × 2 = 512 FLOPs per iteration.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains512(long flops)
    {
        Vector512<float> b = Vector512.Create(0.999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0f), a1 = Vector512.Create(1f), a2 = Vector512.Create(2f), a3 = Vector512.Create(3f);
        Vector512<float> a4 = Vector512.Create(4f), a5 = Vector512.Create(5f), a6 = Vector512.Create(6f), a7 = Vector512.Create(7f);
        Vector512<float> a8 = Vector512.Create(8f), a9 = Vector512.Create(9f), a10 = Vector512.Create(10f), a11 = Vector512.Create(11f);
        Vector512<float> a12 = Vector512.Create(12f), a13 = Vector512.Create(13f), a14 = Vector512.Create(14f), a15 = Vector512.Create(15f);
        for (long n = flops / 512; n > 0; n--)
        {
            a0 = SimdHelpers.MultiplyAdd(a0, b, c); a1 = SimdHelpers.MultiplyAdd(a1, b, c); a2 = SimdHelpers.MultiplyAdd(a2, b, c);
            a3 = SimdHelpers.MultiplyAdd(a3, b, c); a4 = SimdHelpers.MultiplyAdd(a4, b, c); a5 = SimdHelpers.MultiplyAdd(a5, b, c);
            a6 = SimdHelpers.MultiplyAdd(a6, b, c); a7 = SimdHelpers.MultiplyAdd(a7, b, c); a8 = SimdHelpers.MultiplyAdd(a8, b, c);
            a9 = SimdHelpers.MultiplyAdd(a9, b, c); a10 = SimdHelpers.MultiplyAdd(a10, b, c); a11 = SimdHelpers.MultiplyAdd(a11, b, c);
            a12 = SimdHelpers.MultiplyAdd(a12, b, c); a13 = SimdHelpers.MultiplyAdd(a13, b, c); a14 = SimdHelpers.MultiplyAdd(a14, b, c);
            a15 = SimdHelpers.MultiplyAdd(a15, b, c);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15).GetElement(0);
    }
}
