namespace GenNet.Generator.Model;

/// <summary>Everything the emitter needs to write one network class.</summary>
/// <remarks>
/// Caching contract: this record and everything it holds are plain values (strings, numbers, enums,
/// <see cref="EquatableArray{T}"/>), never symbols, syntax nodes, locations or compilations. Two parses of
/// equal declarations produce equal specs, so the incremental pipeline skips emission when nothing that
/// shapes the network changed. A test walks the type graph to keep it that way.
/// </remarks>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="ClassName">The partial class's name.</param>
/// <param name="InputSize">Width of one input sample.</param>
/// <param name="Layers">The Dense layers in source order.</param>
/// <param name="Loss">The loss head.</param>
/// <param name="ParameterCount">Length of the parameter arena.</param>
/// <param name="ActivationsPerRow">Sum of the layer widths: floats per batch row in the activation arena.</param>
/// <param name="DropoutPerRow">Sum of the widths of the layers with dropout: floats per batch row of each dropout arena.</param>
/// <param name="Architecture">Canonical text of the declaration, as stored in model files.</param>
/// <param name="ArchitectureHash">FNV-1a 64 of <paramref name="Architecture"/>'s UTF-8 bytes.</param>
internal sealed record NetworkSpec(
    string Namespace,
    string ClassName,
    int InputSize,
    EquatableArray<DenseLayerSpec> Layers,
    LossKind Loss,
    int ParameterCount,
    int ActivationsPerRow,
    int DropoutPerRow,
    string Architecture,
    ulong ArchitectureHash)
{
    public DenseLayerSpec LastLayer => Layers[Layers.Count - 1];

    public int OutputSize => LastLayer.Outputs;

    public bool HasDropout => DropoutPerRow > 0;
}
