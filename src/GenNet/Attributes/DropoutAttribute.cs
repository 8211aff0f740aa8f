namespace GenNet;

/// <summary>
/// Inverted dropout on the output of the layer above it, during training only: each value is zeroed with probability
/// <paramref name="rate"/> and the survivors are scaled by 1/(1 − rate), so <c>Forward</c>, <c>Predict</c> and
/// <c>Evaluate</c> pass its input on unchanged. Must sit between two layers (not right after [Input] or before the loss head).
/// The masks are drawn from the network's seeded <c>TrainingRng</c>.
/// </summary>
/// <param name="rate">Probability of zeroing a value; greater than 0 and less than 1. A double, so that both
/// <c>[Dropout(0.5)]</c> and <c>[Dropout(0.5f)]</c> compile; the network uses it as the nearest float.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(double rate) : Attribute
{
    /// <summary>Probability of zeroing a value, as the network uses it.</summary>
    public float Rate { get; } = (float)rate;
}
