namespace GenNet;

/// <summary>
/// A generated network's layers as values: for each, its kind, input and output shapes, activation and slices of the
/// parameter arena. The ONNX exporter and the trainer app read a network from here rather than parsing
/// <see cref="Architecture"/> back; model files carry <see cref="Architecture"/> and its hash. Immutable.
/// </summary>
public sealed class NetworkDescription
{
    /// <summary>Checks and copies a description; generated networks build theirs once, in a static initialiser.</summary>
    /// <param name="architecture">Canonical text of the declaration (<see cref="INetwork.Architecture"/>).</param>
    /// <param name="architectureHash">FNV-1a 64 hash of <paramref name="architecture"/> (<see cref="INetwork.ArchitectureHash"/>).</param>
    /// <param name="input">Shape of one input sample.</param>
    /// <param name="layers">The layers in order, loss head excluded.</param>
    /// <param name="loss">The loss head.</param>
    /// <param name="parameterCount">Length of the parameter arena.</param>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/>, <paramref name="layers"/> or one of the layers is null.</exception>
    /// <exception cref="ArgumentException">
    /// There is no layer, a layer's input shape is not the previous layer's output shape (the first layer's not
    /// <paramref name="input"/>), a parameter slice does not lie inside the <paramref name="parameterCount"/> floats of
    /// the arena, or <paramref name="loss"/> is not a defined value. Generated code never does this: it is a bug.
    /// </exception>
    public NetworkDescription(string architecture, ulong architectureHash, TensorShape input, IReadOnlyList<LayerDescription> layers, LossKind loss, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        if (layers.Count == 0)
        {
            throw new ArgumentException($"The description of \"{architecture}\" has no layer; a network has at least one.", nameof(layers));
        }
        if (!Enum.IsDefined(loss))
        {
            throw new ArgumentException($"The description of \"{architecture}\" names loss head {(int)loss}, which is not a {nameof(LossKind)}.", nameof(loss));
        }
        TensorShape previous = input;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerDescription layer = layers[i] ?? throw new ArgumentNullException(nameof(layers), $"Layer {i} of the description of \"{architecture}\" is null.");
            if (layer.Declaration is null)
            {
                throw new ArgumentNullException(nameof(layers), $"Layer {i} of the description of \"{architecture}\" has no declaration.");
            }
            if (layer.Input != previous)
            {
                throw new ArgumentException(
                    $"Layer {i} ({layer.Kind}) of \"{architecture}\" takes {layer.Input}, but {(i == 0 ? "the network's input is" : "the layer before it outputs")} {previous}.", nameof(layers));
            }
            CheckSlice(architecture, i, layer, "weights", layer.Weights, parameterCount);
            CheckSlice(architecture, i, layer, "bias", layer.Bias, parameterCount);
            previous = layer.Output;
        }

        Architecture = architecture;
        ArchitectureHash = architectureHash;
        Input = input;
        Layers = Array.AsReadOnly(layers.ToArray());
        Loss = loss;
        ParameterCount = parameterCount;
    }

    private static void CheckSlice(string architecture, int index, LayerDescription layer, string name, ParameterSlice slice, int parameterCount)
    {
        if (slice.Offset < 0 || slice.Length < 0 || (long)slice.Offset + slice.Length > parameterCount)
        {
            throw new ArgumentException(
                $"The {name} slice [{slice.Offset}, {slice.Offset} + {slice.Length}) of layer {index} ({layer.Kind}) of \"{architecture}\" " +
                $"does not lie inside the parameter arena of {parameterCount} floats.", "layers");
        }
    }

    /// <summary>Canonical text of the declaration, e.g. <c>Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy</c>; model files carry it.</summary>
    public string Architecture { get; }

    /// <summary>FNV-1a 64 hash of <see cref="Architecture"/>'s UTF-8 bytes; model files carry it.</summary>
    public ulong ArchitectureHash { get; }

    /// <summary>Shape of one input sample.</summary>
    public TensorShape Input { get; }

    /// <summary>The layers in declaration order (the loss head is <see cref="Loss"/>).</summary>
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>The loss head.</summary>
    public LossKind Loss { get; }

    /// <summary>Length of the parameter arena, and of the gradient arena.</summary>
    public int ParameterCount { get; }

    /// <summary>Shape of one output sample: the last layer's output.</summary>
    public TensorShape Output => Layers[^1].Output;

    /// <summary>The canonical architecture text.</summary>
    public override string ToString() => Architecture;
}
