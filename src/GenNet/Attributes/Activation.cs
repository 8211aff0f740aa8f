namespace GenNet;

/// <summary>Element-wise activation applied after a <see cref="DenseAttribute"/> or <see cref="Conv2DAttribute"/> layer's affine map.</summary>
/// <remarks>The integer values are part of the generator's contract: <c>generator/Model/ActivationKind.cs</c> mirrors them.</remarks>
public enum Activation
{
    /// <summary>Identity: y = z.</summary>
    None = 0,
    /// <summary>y = max(0, z).</summary>
    ReLU = 1,
    /// <summary>y = z for z &gt; 0, else alpha·z (alpha 0.01 unless the layer gives one).</summary>
    LeakyReLU = 2,
    /// <summary>y = 1 / (1 + e^−z).</summary>
    Sigmoid = 3,
    /// <summary>y = tanh(z).</summary>
    Tanh = 4,
}
