namespace GenNet;

/// <summary>Creates an optimizer by name, for the trainer's <c>--optimizer</c> option.</summary>
public static class Optimizers
{
    /// <summary>Momentum used by <c>momentum</c> and <c>nesterov</c>.</summary>
    public const float DefaultMomentum = 0.9f;

    /// <summary>The accepted names, in the order help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"];

    /// <summary>Creates the optimizer called <paramref name="name"/> (case-insensitive) with its default hyperparameters.</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>sgd</c>: <see cref="Sgd"/>, lr 0.01, no momentum.</item>
    /// <item><c>momentum</c>: <see cref="Sgd"/>, lr 0.01, μ 0.9.</item>
    /// <item><c>nesterov</c>: <see cref="Sgd"/>, lr 0.01, μ 0.9, Nesterov.</item>
    /// <item><c>rmsprop</c>: <see cref="RmsProp"/>, lr 1e-3, ρ 0.9, ε 1e-7.</item>
    /// <item><c>adam</c>: <see cref="Adam"/>, lr 1e-3, β 0.9/0.999, ε 1e-8.</item>
    /// <item><c>adamw</c>: <see cref="AdamW"/>, lr 1e-3, β 0.9/0.999, ε 1e-8, wd 0.01.</item>
    /// </list>
    /// </remarks>
    /// <param name="name">One of <see cref="Names"/>, in any case.</param>
    /// <param name="parameterCount">Length of the parameter and gradient arenas; at least 1.</param>
    /// <param name="learningRate">Step size, or null for the optimizer's default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> or <paramref name="learningRate"/> is out of range.</exception>
    public static Optimizer Create(string name, int parameterCount, float? learningRate = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "sgd" => new Sgd(parameterCount, learningRate ?? Sgd.DefaultLearningRate),
            "momentum" => new Sgd(parameterCount, learningRate ?? Sgd.DefaultLearningRate, DefaultMomentum),
            "nesterov" => new Sgd(parameterCount, learningRate ?? Sgd.DefaultLearningRate, DefaultMomentum, nesterov: true),
            "rmsprop" => new RmsProp(parameterCount, learningRate ?? RmsProp.DefaultLearningRate),
            "adam" => new Adam(parameterCount, learningRate ?? Adam.DefaultLearningRate),
            "adamw" => new AdamW(parameterCount, learningRate ?? AdamW.DefaultLearningRate),
            _ => throw new ArgumentException(
                $"Unknown optimizer '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
