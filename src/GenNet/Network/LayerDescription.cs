namespace GenNet;

/// <summary>
/// One layer of a generated network, as <see cref="NetworkDescription.Layers"/> lists it: its declaration (the
/// attribute as written, every default filled in, such as a <see cref="DenseAttribute"/> or a
/// <see cref="Conv2DAttribute"/>), the shapes of one sample in and out, and where its parameters lie.
/// </summary>
/// <remarks>
/// A reader pattern-matches <see cref="Declaration"/> for a kind's settings (<c>layer.Declaration is DenseAttribute
/// { Activation: var act }</c>), so a new layer kind needs no change here.
/// </remarks>
/// <param name="Declaration">The layer's attribute.</param>
/// <param name="Input">Shape of one sample of the layer's input: the previous layer's output, or the network's input.</param>
/// <param name="Output">Shape of one sample of the layer's output.</param>
public sealed record LayerDescription(Attribute Declaration, TensorShape Input, TensorShape Output)
{
    /// <summary>The layer's kind as a user writes it: the attribute's name less "Attribute", e.g. <c>Dense</c>.</summary>
    public string Kind => Declaration.GetType().Name is var name && name.EndsWith("Attribute", StringComparison.Ordinal)
        ? name[..^"Attribute".Length]
        : Declaration.GetType().Name;

    /// <summary>The layer's weights, Length 0 when it has none: for <see cref="DenseAttribute"/> <c>W [Input.Size ×
    /// Output.Size]</c> row-major; for <see cref="Conv2DAttribute"/> <c>W [filters × channels × kernel height × kernel
    /// width]</c>.</summary>
    public ParameterSlice Weights { get; init; }

    /// <summary>The layer's bias, one per output unit or filter; Length 0 when the layer has none.</summary>
    public ParameterSlice Bias { get; init; }
}
