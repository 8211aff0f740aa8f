using System.Buffers.Binary;

namespace GenNet.Onnx;

/// <summary>
/// Writes a GenNet network as an ONNX model (IR version 7, opset 13) that ONNX Runtime and other tools can run.
/// </summary>
/// <remarks>
/// <para>
/// The graph takes <c>input</c>, <c>float[N, InputSize]</c> with a symbolic batch size <c>N</c>. Each Dense layer
/// becomes a <c>Gemm</c> (<c>transB = 0</c>: its weights are stored <c>[inputs × units]</c> row-major, exactly as
/// in the parameter arena) with the bias as third input, or without one for a <c>bias=false</c> layer, followed by
/// <c>Relu</c>, <c>LeakyRelu</c> (with its <c>alpha</c>), <c>Sigmoid</c> or <c>Tanh</c>. A softmax cross-entropy
/// network ends in <c>Softmax(axis = 1)</c> and outputs <c>probabilities</c>, like <see cref="INetwork.Forward"/>; a
/// mean-squared-error network outputs its last layer as <c>output</c>. The loss itself is not exported.
/// </para>
/// <para>
/// The layers are read from <see cref="INetwork.Description"/> and checked against the network's sizes, and the
/// weights are copied from the slices of <see cref="INetwork.Parameters"/> it names (Dropout layers, which act only
/// while training, are left out). Protobuf messages are written with
/// Google.Protobuf's <c>CodedOutputStream</c> using the field numbers of <c>onnx/onnx.proto</c>.
/// </para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = 13;
    /// <summary>The ONNX IR version written: 7 is the one that goes with opset 13.</summary>
    public const int IrVersion = 7;
    /// <summary>Name of the graph input.</summary>
    public const string InputName = "input";
    /// <summary>Name of a classifier's output: class probabilities.</summary>
    public const string ProbabilitiesName = "probabilities";
    /// <summary>Name of a regressor's output.</summary>
    public const string OutputName = "output";
    /// <summary>Name of the symbolic batch dimension.</summary>
    public const string BatchDimension = "N";

    // ONNX TensorProto.DataType.FLOAT and AttributeProto.AttributeType values.
    private const int FloatType = 1;
    private const int AttributeFloat = 1;
    private const int AttributeInt = 2;

    /// <summary>
    /// Writes <paramref name="network"/> to <paramref name="path"/> as an ONNX model. The file is written next to
    /// its destination under a temporary name and renamed over it, so a reader never sees half a model.
    /// </summary>
    /// <exception cref="NotSupportedException">The network has a kind of layer this exporter does not write.</exception>
    /// <exception cref="ArgumentException">The network's <see cref="INetwork.Description"/> does not match its sizes.</exception>
    public static void Export(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ReadOnlyMemory<byte> model = Serialize(network);

        GenNet.Serialization.AtomicFile.Write(path, file => file.Write(model.Span));
    }

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="destination"/>.</summary>
    /// <inheritdoc cref="Export(INetwork, string)" path="/exception"/>
    public static void Export(INetwork network, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Serialize(network).Span);
    }

    /// <summary>The serialized ModelProto of <paramref name="network"/>.</summary>
    internal static ReadOnlyMemory<byte> Serialize(INetwork network)
    {
        NetworkDescription description = Describe(network);
        ReadOnlySpan<float> parameters = network.Parameters;
        // The regressor's last computing layer writes the graph output directly; a classifier's Softmax comes after.
        int lastComputing = description.Layers.Count - 1;
        while (description.Layers[lastComputing].Kind == LayerKind.Dropout && lastComputing > 0)
        {
            lastComputing--;
        }

        var graph = new ProtoMessage()
            .String(GraphProto.Name, network.GetType().Name);
        string current = InputName;
        int number = 0;   // 1-based count of Dense layers: names W1, b1, dense1, act1, …
        for (int i = 0; i < description.Layers.Count; i++)
        {
            LayerDescription layer = description.Layers[i];
            if (layer.Kind == LayerKind.Dropout)
            {
                // Dropout acts only while training; the inference graph leaves it out, as ONNX Runtime would.
                continue;
            }
            if (layer.Kind != LayerKind.Dense)
            {
                throw new NotSupportedException($"Layer {i} of \"{description.Architecture}\" is a {layer.Kind} layer, which the ONNX exporter does not write.");
            }
            number++;
            bool namesOutput = i == lastComputing && description.Loss == LossKind.MeanSquaredError;
            int inputs = layer.Input.Size, units = layer.Output.Size;
            if (layer.Weights.Length != inputs * units || layer.Bias.Length is not 0 && layer.Bias.Length != units)
            {
                throw new ArgumentException(
                    $"Dense layer {i} of \"{description.Architecture}\" maps {inputs} to {units} values but has {layer.Weights.Length} weights and {layer.Bias.Length} biases.", nameof(network));
            }

            string weights = $"W{number}";
            graph.Message(GraphProto.Initializer, Tensor(weights, [inputs, units], parameters.Slice(layer.Weights.Offset, layer.Weights.Length)));
            List<string> gemmInputs = [current, weights];
            if (layer.Bias.Length > 0)
            {
                string bias = $"b{number}";
                graph.Message(GraphProto.Initializer, Tensor(bias, [units], parameters.Slice(layer.Bias.Offset, layer.Bias.Length)));
                gemmInputs.Add(bias);
            }

            string affine = namesOutput && layer.Activation == Activation.None ? OutputName : $"dense{number}";
            graph.Message(GraphProto.Node, Node($"Gemm_{number}", "Gemm", gemmInputs, affine));
            current = affine;

            if (layer.Activation != Activation.None)
            {
                string activated = namesOutput ? OutputName : $"act{number}";
                ProtoMessage node = layer.Activation switch
                {
                    Activation.ReLU => Node($"Relu_{number}", "Relu", [current], activated),
                    Activation.LeakyReLU => Node($"LeakyRelu_{number}", "LeakyRelu", [current], activated)
                        .Message(NodeProto.Attribute, FloatAttribute("alpha", layer.Alpha)),
                    Activation.Sigmoid => Node($"Sigmoid_{number}", "Sigmoid", [current], activated),
                    Activation.Tanh => Node($"Tanh_{number}", "Tanh", [current], activated),
                    _ => throw new ArgumentOutOfRangeException(nameof(network), layer.Activation, "Unknown activation."),
                };
                graph.Message(GraphProto.Node, node);
                current = activated;
            }
        }

        string output = OutputName;
        if (description.Loss == LossKind.SoftmaxCrossEntropy)
        {
            output = ProbabilitiesName;
            graph.Message(GraphProto.Node, Node("Softmax", "Softmax", [current], output)
                .Message(NodeProto.Attribute, IntAttribute("axis", 1)));
        }

        graph.Message(GraphProto.Input, BatchValueInfo(InputName, description.Input.Size))
            .Message(GraphProto.Output, BatchValueInfo(output, description.Output.Size));

        return new ProtoMessage()
            .Int64(ModelProto.IrVersion, IrVersion)
            .String(ModelProto.ProducerName, "GenNet")
            .String(ModelProto.ProducerVersion, ProducerVersion)
            .String(ModelProto.DocString, description.Architecture)
            .Message(ModelProto.Graph, graph)
            .Message(ModelProto.OpsetImport, new ProtoMessage()
                .String(OperatorSetIdProto.Domain, "")
                .Int64(OperatorSetIdProto.Version, OpsetVersion))
            .ToMemory();
    }

    /// <summary>The network's description, checked against the sizes the network reports.</summary>
    internal static NetworkDescription Describe(INetwork network)
    {
        NetworkDescription description = network.Description ?? throw new ArgumentException("The network's Description is null.", nameof(network));
        if (description.Input.Size != network.InputSize || description.Output.Size != network.OutputSize
            || description.ParameterCount != network.ParameterCount || network.Parameters.Length != network.ParameterCount)
        {
            throw new ArgumentException(
                $"The description of \"{description.Architecture}\" has {description.Input.Size} inputs, {description.Output.Size} outputs and " +
                $"{description.ParameterCount} parameters, but the network has {network.InputSize}, {network.OutputSize} and " +
                $"{network.ParameterCount} ({network.Parameters.Length} in its arena).", nameof(network));
        }
        return description;
    }

    private static string ProducerVersion { get; } = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static ProtoMessage Tensor(string name, ReadOnlySpan<int> dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtoMessage();
        foreach (int dim in dims)
        {
            tensor.Int64(TensorProto.Dims, dim);   // repeated int64, not packed in onnx.proto (proto2)
        }
        // raw_data: fixed-width little-endian IEEE 754, whatever this machine's byte order.
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }
        return tensor.Int64(TensorProto.DataType, FloatType)
            .String(TensorProto.Name, name)
            .Bytes(TensorProto.RawData, raw);
    }

    private static ProtoMessage Node(string name, string opType, IEnumerable<string> inputs, string output)
    {
        var node = new ProtoMessage();
        foreach (string input in inputs)
        {
            node.String(NodeProto.Input, input);
        }
        return node.String(NodeProto.Output, output)
            .String(NodeProto.Name, name)
            .String(NodeProto.OpType, opType);
    }

    private static ProtoMessage FloatAttribute(string name, float value) => new ProtoMessage()
        .String(AttributeProto.Name, name)
        .Float(AttributeProto.F, value)
        .Int64(AttributeProto.Type, AttributeFloat);

    private static ProtoMessage IntAttribute(string name, long value) => new ProtoMessage()
        .String(AttributeProto.Name, name)
        .Int64(AttributeProto.I, value)
        .Int64(AttributeProto.Type, AttributeInt);

    /// <summary>A float tensor of shape <c>[N, width]</c>, N symbolic.</summary>
    private static ProtoMessage BatchValueInfo(string name, int width)
    {
        var shape = new ProtoMessage()
            .Message(TensorShapeProto.Dim, new ProtoMessage().String(TensorShapeProto.DimParam, BatchDimension))
            .Message(TensorShapeProto.Dim, new ProtoMessage().Int64(TensorShapeProto.DimValue, width));
        var tensorType = new ProtoMessage()
            .Int64(TypeProto.ElemType, FloatType)
            .Message(TypeProto.Shape, shape);
        return new ProtoMessage()
            .String(ValueInfoProto.Name, name)
            .Message(ValueInfoProto.Type, new ProtoMessage().Message(TypeProto.TensorType, tensorType));
    }
}
