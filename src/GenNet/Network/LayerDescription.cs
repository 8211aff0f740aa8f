namespace GenNet;

/// <summary>One layer of a generated network, as <see cref="NetworkDescription.Layers"/> lists it.</summary>
/// <param name="Kind">What the layer computes.</param>
/// <param name="Input">Shape of one sample of the layer's input: the previous layer's output, or the network's input.</param>
/// <param name="Output">Shape of one sample of the layer's output.</param>
public sealed record LayerDescription(LayerKind Kind, TensorShape Input, TensorShape Output)
{
    /// <summary>Element-wise activation applied to the layer's output (<see cref="Activation.None"/> for none).</summary>
    public Activation Activation { get; init; }

    /// <summary>LeakyReLU's slope for negative inputs; 0 for every other activation.</summary>
    public float Alpha { get; init; }

    /// <summary>The layer's weights; for <see cref="LayerKind.Dense"/>, <c>W [Input.Size × Output.Size]</c> row-major. Length 0 when it has none.</summary>
    public ParameterSlice Weights { get; init; }

    /// <summary>The layer's bias, one per output; Length 0 when the layer has no bias.</summary>
    public ParameterSlice Bias { get; init; }

    /// <summary>The probability that <see cref="LayerKind.Dropout"/> zeroes a value while training; 0 for other layers.</summary>
    public float Rate { get; init; }
}
