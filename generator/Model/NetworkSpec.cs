namespace GenNet.Generator.Model;

/// <summary>Everything the emitter needs to write one network class.</summary>
/// <remarks>
/// Caching contract: this record and everything it holds are plain values (strings, numbers, enums, <see cref="Shape"/>,
/// <see cref="EquatableArray{T}"/> of <see cref="LayerSpec"/> records, a <see cref="LossSpec"/> record), never symbols, syntax nodes, locations or
/// compilations. Two parses of equal declarations produce equal specs, so the incremental pipeline skips emission when
/// nothing that shapes the network changed. A test walks the type graph to keep it that way.
/// </remarks>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="ClassName">The partial class's name.</param>
/// <param name="Input">Shape of one input sample.</param>
/// <param name="Layers">The layers in source order, planned.</param>
/// <param name="Loss">The loss head.</param>
/// <param name="ParameterCount">Length of the parameter arena.</param>
/// <param name="ActivationsPerRow">Floats per batch row in the activation arena.</param>
/// <param name="ActivationGradientsPerRow">Floats per batch row in the activation-gradient arena.</param>
/// <param name="MasksPerRow">Floats per batch row in the mask arena (0: none).</param>
/// <param name="Architecture">Canonical text of the declaration, as stored in model files.</param>
/// <param name="ArchitectureHash">FNV-1a 64 of <paramref name="Architecture"/>'s UTF-8 bytes.</param>
internal sealed record NetworkSpec(
    string Namespace,
    string ClassName,
    Shape Input,
    EquatableArray<LayerSpec> Layers,
    LossSpec Loss,
    int ParameterCount,
    int ActivationsPerRow,
    int ActivationGradientsPerRow,
    int MasksPerRow,
    string Architecture,
    ulong ArchitectureHash)
{
    public LayerSpec LastLayer => Layers[Layers.Count - 1];

    public int InputSize => (int)Input.Size;

    public int OutputSize => (int)LastLayer.Output.Size;

    /// <summary>Some layer behaves differently while training, so the forward pass takes a training flag.</summary>
    public bool HasTrainingMode
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.ForwardDependsOnTraining)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Some layer draws random numbers while training, so the network keeps a training generator.</summary>
    public bool DrawsRandomNumbers
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.DrawsRandomNumbers)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
