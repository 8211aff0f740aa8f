using System.Numerics;

namespace GenNet;

/// <summary>
/// Seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64). The same seed gives the same
/// sequence on every machine and runtime, which <see cref="System.Random"/> does not promise.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private float _spareGaussian;
    private bool _hasSpareGaussian;

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// draws[k] = the top 24 bits of the next <paramref name="draws"/>.Length values of <see cref="NextUInt64"/>, in
    /// order, as floats (exact): <see cref="NextFloat"/> of each is draws[k]·2⁻²⁴. The state stays in registers for the
    /// whole span (one <see cref="NextUInt64"/> call per value reloads and stores it), for dropout's one draw a value.
    /// </summary>
    internal void FillTop24(Span<float> draws)
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int k = 0; k < draws.Length; k++)
        {
            draws[k] = (int)(Step(ref s0, ref s1, ref s2, ref s3) >> 40);
        }
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64() => Step(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>One xoshiro256** step: the output of the state (s0…s3), which it advances.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong Step(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not at least 1.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong range = (ulong)maxExclusive;
        ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0 - range) % range;
            while (low < threshold)
            {
                product = Math.BigMul(NextUInt64(), range, out low);
            }
        }
        return (int)product;
    }

    // Here and below, the casts to int and long change no value; they matter because without AVX-512 an unsigned
    // 64-bit to float conversion is a branch and a dozen instructions (dropout draws: 0.26 → 0.5 ms a step on AVX2).
    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (int)(NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform float in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A bound is not finite, <paramref name="low"/> is above <paramref name="high"/>, or the width
    /// <paramref name="high"/> − <paramref name="low"/> overflows to infinity.
    /// </exception>
    public float NextUniform(float low, float high)
    {
        float width = high - low;
        // One test covers NaN and infinite bounds, low > high and an overflowing width: each makes it false.
        if (!(width >= 0f && float.IsFinite(width)))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high,
                $"NextUniform needs finite bounds with low ≤ high and a finite width high − low; got low = {low}, high = {high}.");
        }
        return low + width * NextFloat();
    }

    /// <summary>Standard normal sample (Box–Muller, computed in double for reproducibility across instruction sets).</summary>
    public float NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }
        double u1 = ((long)(NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53)); // (0, 1]: log is finite
        double u2 = (long)(NextUInt64() >> 11) * (1.0 / (1UL << 53));
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareGaussian = (float)(r * Math.Sin(2 * Math.PI * u2));
        _hasSpareGaussian = true;
        return (float)(r * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The generator's complete state, for checkpoints; <see cref="Restore"/> takes it back.</summary>
    public RngState Save() => new(_s0, _s1, _s2, _s3, _spareGaussian, _hasSpareGaussian);

    /// <summary>Continues the sequence from a state taken by <see cref="Save"/>.</summary>
    /// <exception cref="ArgumentException">The state is all zeros (not one <see cref="Save"/> can return).</exception>
    public void Restore(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
        {
            throw new ArgumentException("An all-zero xoshiro256** state is invalid: it would only ever produce zeros.", nameof(state));
        }
        (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);
        (_spareGaussian, _hasSpareGaussian) = (state.SpareGaussian, state.HasSpareGaussian);
    }
}

/// <summary>A snapshot of <see cref="Rng"/>'s state.</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, float SpareGaussian, bool HasSpareGaussian);
