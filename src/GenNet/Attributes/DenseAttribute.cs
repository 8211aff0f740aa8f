namespace GenNet;

/// <summary>
/// A fully connected layer: y = activation(x·W + b), with W of shape [inputs × units].
/// </summary>
/// <param name="units">Number of outputs of the layer.</param>
/// <param name="activation">Element-wise activation fused into the layer.</param>
/// <param name="bias">Whether the layer has a bias vector b (default true).</param>
/// <param name="alpha">Negative slope of <see cref="Activation.LeakyReLU"/>; ignored by the other activations.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.None, bool bias = true, float alpha = 0.01f) : Attribute
{
    /// <summary>Number of outputs of the layer.</summary>
    public int Units { get; } = units;
    /// <summary>Element-wise activation fused into the layer.</summary>
    public Activation Activation { get; } = activation;
    /// <summary>Whether the layer has a bias vector.</summary>
    public bool Bias { get; } = bias;
    /// <summary>Negative slope of <see cref="Activation.LeakyReLU"/>.</summary>
    public float Alpha { get; } = alpha;
}
