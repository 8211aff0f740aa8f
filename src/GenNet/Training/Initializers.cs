namespace GenNet;

/// <summary>Seeded weight initialisers. Generated constructors call these, layer by layer, in declaration order.</summary>
public static class Initializers
{
    /// <summary>
    /// He (Kaiming) uniform: U(−√(6/fanIn), √(6/fanIn)), variance 2/fanIn, which keeps the activations' scale
    /// through ReLU-family layers.
    /// </summary>
    public static void HeUniform(Span<float> weights, int fanIn, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        Uniform(weights, MathF.Sqrt(6f / fanIn), rng);
    }

    /// <summary>
    /// Glorot (Xavier) uniform: U(−√(6/(fanIn+fanOut)), √(6/(fanIn+fanOut))), for linear, sigmoid and tanh layers.
    /// </summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        Uniform(weights, MathF.Sqrt(6f / (fanIn + fanOut)), rng);
    }

    private static void Uniform(Span<float> weights, float limit, Rng rng)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = rng.NextUniform(-limit, limit);
        }
    }
}
