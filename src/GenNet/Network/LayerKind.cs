namespace GenNet;

/// <summary>What a <see cref="LayerDescription"/> computes.</summary>
public enum LayerKind
{
    /// <summary>Fully connected: <c>y = act(x·W + b)</c>, <c>W</c> is <c>[Input.Size × Output.Size]</c> row-major.</summary>
    Dense,
    /// <summary>Inverted dropout on the layer above's output, while training only; inference passes values through.</summary>
    Dropout,
}
