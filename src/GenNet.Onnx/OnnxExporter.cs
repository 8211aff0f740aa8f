using System.Buffers.Binary;
using System.Globalization;

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
    private const int AttributeInts = 7;

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
        if (description.Loss is not (LossKind.SoftmaxCrossEntropy or LossKind.MeanSquaredError))
        {
            throw new NotSupportedException($"\"{description.Architecture}\" ends in a {description.Loss} head, which the ONNX exporter does not write.");
        }
        ReadOnlySpan<float> parameters = network.Parameters;
        // The regressor's last computing layer writes the graph output directly; a classifier's Softmax comes after.
        int lastComputing = description.Layers.Count - 1;
        while (description.Layers[lastComputing].Declaration is DropoutAttribute && lastComputing > 0)
        {
            lastComputing--;
        }
        // An image input ([N, C, H, W]) when the first layer that computes is a spatial one; Dense reads either form.
        bool image = description.Layers.FirstOrDefault(l => l.Declaration is not DropoutAttribute)?.Declaration is not (null or DenseAttribute);

        var graph = new ProtoMessage()
            .String(GraphProto.Name, network.GetType().Name);
        string current = InputName;
        bool spatial = image;
        int number = 0;   // 1-based count of Dense layers: names W1, b1, dense1, act1, …
        for (int i = 0; i < description.Layers.Count; i++)
        {
            LayerDescription layer = description.Layers[i];
            bool namesOutput = i == lastComputing && description.Loss == LossKind.MeanSquaredError;
            switch (layer.Declaration)
            {
                case DropoutAttribute:
                    // Dropout acts only while training; the inference graph leaves it out, as ONNX Runtime would.
                    break;
                case DenseAttribute dense:
                    if (spatial)
                    {
                        graph.Message(GraphProto.Node, Node($"Flatten_{i + 1}", "Flatten", [current], $"flat{i + 1}")
                            .Message(NodeProto.Attribute, IntAttribute("axis", 1)));
                        current = $"flat{i + 1}";
                        spatial = false;
                    }
                    current = Dense(graph, description, parameters, layer, dense, ++number, i, current, namesOutput);
                    break;
                case Conv2DAttribute conv:
                    current = Conv(graph, description, parameters, layer, conv, i, current);
                    break;
                case MaxPool2DAttribute pool:
                    current = Pool(graph, "MaxPool", pool.Window, pool.Stride == 0 ? pool.Window : pool.Stride, i, current);
                    break;
                case AvgPool2DAttribute pool:
                    current = Pool(graph, "AveragePool", pool.Window, pool.Stride == 0 ? pool.Window : pool.Stride, i, current);
                    break;
                case GlobalAvgPool2DAttribute:
                    graph.Message(GraphProto.Node, Node($"GlobalAveragePool_{i + 1}", "GlobalAveragePool", [current], $"pool{i + 1}"));
                    current = $"pool{i + 1}";
                    break;
                default:
                    throw new NotSupportedException($"Layer {i} of \"{description.Architecture}\" is a {layer.Kind} layer, which the ONNX exporter does not write.");
            }
        }
        // A graph that ends on an image layer (global pooling, say) gives [N, features] like every other.
        if (spatial)
        {
            string flat = description.Loss == LossKind.MeanSquaredError ? OutputName : "flat";
            graph.Message(GraphProto.Node, Node("Flatten", "Flatten", [current], flat)
                .Message(NodeProto.Attribute, IntAttribute("axis", 1)));
            current = flat;
        }
        else if (description.Loss == LossKind.MeanSquaredError && current != OutputName)
        {
            graph.Message(GraphProto.Node, Node("Identity", "Identity", [current], OutputName));
            current = OutputName;
        }

        string output = OutputName;
        if (description.Loss == LossKind.SoftmaxCrossEntropy)
        {
            output = ProbabilitiesName;
            graph.Message(GraphProto.Node, Node("Softmax", "Softmax", [current], output)
                .Message(NodeProto.Attribute, IntAttribute("axis", 1)));
        }

        TensorShape input = description.Input;
        graph.Message(GraphProto.Input, image
                ? BatchValueInfo(InputName, input.Channels, input.Height, input.Width)
                : BatchValueInfo(InputName, input.Size))
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

    /// <summary>Gemm(x, W, b), then the activation; returns the name of the layer's output.</summary>
    private static string Dense(ProtoMessage graph, NetworkDescription description, ReadOnlySpan<float> parameters, LayerDescription layer,
        DenseAttribute dense, int number, int index, string current, bool namesOutput)
    {
        int inputs = layer.Input.Size, units = layer.Output.Size;
        if (layer.Weights.Length != inputs * units || layer.Bias.Length is not 0 && layer.Bias.Length != units)
        {
            throw new ArgumentException(
                $"Dense layer {index} of \"{description.Architecture}\" maps {inputs} to {units} values but has {layer.Weights.Length} weights and {layer.Bias.Length} biases.", "network");
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

        string affine = namesOutput && dense.Activation == Activation.None ? OutputName : $"dense{number}";
        graph.Message(GraphProto.Node, Node($"Gemm_{number}", "Gemm", gemmInputs, affine));
        return Activate(graph, affine, dense.Activation, dense.Alpha, number.ToString(CultureInfo.InvariantCulture), namesOutput ? OutputName : $"act{number}");
    }

    /// <summary>Conv(x, W, b) with explicit pads (Keras' "same" split: the smaller half before), then the activation.</summary>
    private static string Conv(ProtoMessage graph, NetworkDescription description, ReadOnlySpan<float> parameters, LayerDescription layer,
        Conv2DAttribute conv, int index, string current)
    {
        int n = index + 1, channels = layer.Input.Channels;
        int stride = conv.Stride, kh = conv.KernelHeight, kw = conv.KernelWidth;
        if (layer.Weights.Length != conv.Filters * channels * kh * kw || layer.Bias.Length is not 0 && layer.Bias.Length != conv.Filters)
        {
            throw new ArgumentException(
                $"Conv2D layer {index} of \"{description.Architecture}\" has {layer.Weights.Length} weights and {layer.Bias.Length} biases for {conv.Filters} filters of {channels}×{kh}×{kw}.", "network");
        }
        // Named by the layer's position (conv3.W, conv3.b, conv3, conv3.act); Dense layers keep their own count (W1, …).
        string name = $"conv{n}";
        graph.Message(GraphProto.Initializer, Tensor($"{name}.W", [conv.Filters, channels, kh, kw], parameters.Slice(layer.Weights.Offset, layer.Weights.Length)));
        List<string> inputs = [current, $"{name}.W"];
        if (layer.Bias.Length > 0)
        {
            graph.Message(GraphProto.Initializer, Tensor($"{name}.b", [conv.Filters], parameters.Slice(layer.Bias.Offset, layer.Bias.Length)));
            inputs.Add($"{name}.b");
        }
        int padHeight = conv.Padding == Padding.Same ? Math.Max((layer.Output.Height - 1) * stride + kh - layer.Input.Height, 0) : 0;
        int padWidth = conv.Padding == Padding.Same ? Math.Max((layer.Output.Width - 1) * stride + kw - layer.Input.Width, 0) : 0;
        graph.Message(GraphProto.Node, Node($"Conv_{n}", "Conv", inputs, name)
            .Message(NodeProto.Attribute, IntsAttribute("kernel_shape", kh, kw))
            .Message(NodeProto.Attribute, IntsAttribute("strides", stride, stride))
            .Message(NodeProto.Attribute, IntsAttribute("pads", padHeight / 2, padWidth / 2, padHeight - padHeight / 2, padWidth - padWidth / 2)));
        // Its output is an image: a Flatten follows before any graph output, so it never names the output itself.
        return Activate(graph, name, conv.Activation, conv.Alpha, name, $"{name}.act");
    }

    /// <summary>MaxPool or AveragePool over square windows, floor mode (ONNX's default, as GenNet computes).</summary>
    private static string Pool(ProtoMessage graph, string op, int window, int stride, int index, string current)
    {
        string output = $"pool{index + 1}";
        graph.Message(GraphProto.Node, Node($"{op}_{index + 1}", op, [current], output)
            .Message(NodeProto.Attribute, IntsAttribute("kernel_shape", window, window))
            .Message(NodeProto.Attribute, IntsAttribute("strides", stride, stride)));
        return output;
    }

    /// <summary>The activation node after a layer's affine map (none for <see cref="Activation.None"/>).</summary>
    private static string Activate(ProtoMessage graph, string current, Activation activation, float alpha, string suffix, string activated)
    {
        if (activation == Activation.None)
        {
            return current;
        }
        ProtoMessage node = activation switch
        {
            Activation.ReLU => Node($"Relu_{suffix}", "Relu", [current], activated),
            Activation.LeakyReLU => Node($"LeakyRelu_{suffix}", "LeakyRelu", [current], activated)
                .Message(NodeProto.Attribute, FloatAttribute("alpha", alpha)),
            Activation.Sigmoid => Node($"Sigmoid_{suffix}", "Sigmoid", [current], activated),
            Activation.Tanh => Node($"Tanh_{suffix}", "Tanh", [current], activated),
            _ => throw new ArgumentOutOfRangeException("network", activation, "Unknown activation."),
        };
        graph.Message(GraphProto.Node, node);
        return activated;
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

    private static ProtoMessage IntsAttribute(string name, params int[] values)
    {
        var attribute = new ProtoMessage().String(AttributeProto.Name, name);
        foreach (int value in values)
        {
            attribute.Int64(AttributeProto.Ints, value);   // repeated int64, not packed (proto2)
        }
        return attribute.Int64(AttributeProto.Type, AttributeInts);
    }

    private static ProtoMessage IntAttribute(string name, long value) => new ProtoMessage()
        .String(AttributeProto.Name, name)
        .Int64(AttributeProto.I, value)
        .Int64(AttributeProto.Type, AttributeInt);

    /// <summary>A float tensor of shape <c>[N, dims…]</c>, N symbolic.</summary>
    private static ProtoMessage BatchValueInfo(string name, params int[] dims)
    {
        var shape = new ProtoMessage()
            .Message(TensorShapeProto.Dim, new ProtoMessage().String(TensorShapeProto.DimParam, BatchDimension));
        foreach (int dim in dims)
        {
            shape.Message(TensorShapeProto.Dim, new ProtoMessage().Int64(TensorShapeProto.DimValue, dim));
        }
        var tensorType = new ProtoMessage()
            .Int64(TypeProto.ElemType, FloatType)
            .Message(TypeProto.Shape, shape);
        return new ProtoMessage()
            .String(ValueInfoProto.Name, name)
            .Message(ValueInfoProto.Type, new ProtoMessage().Message(TypeProto.TensorType, tensorType));
    }
}
