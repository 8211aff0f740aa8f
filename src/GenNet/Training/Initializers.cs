namespace GenNet;

/// <summary>Seeded weight initialisers. Generated constructors call these, layer by layer, in declaration order.</summary>
public static class Initializers
{
    /// <summary>
    /// He (Kaiming) uniform: U(−√(6/fanIn), √(6/fanIn)), variance 2/fanIn, which keeps the activations' scale
    /// through ReLU-family layers.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> is not at least 1.</exception>
    public static void HeUniform(Span<float> weights, int fanIn, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        Uniform(weights, MathF.Sqrt(6f / fanIn), rng);
    }

    /// <summary>
    /// Glorot (Xavier) uniform: U(−√(6/(fanIn+fanOut)), √(6/(fanIn+fanOut))), for linear, sigmoid and tanh layers.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> or <paramref name="fanOut"/> is not at least 1.</exception>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        Uniform(weights, MathF.Sqrt(6f / ((long)fanIn + fanOut)), rng); // long: fanIn + fanOut may pass int.MaxValue
    }

    private static void Uniform(Span<float> weights, float limit, Rng rng)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = rng.NextUniform(-limit, limit);
        }
    }
}
