using GenNet.Models;
using GenNet.Tests.Onnx;

namespace GenNet.Tests.Networks;

/// <summary>
/// The generated <c>Description</c> of every test network against its declaration: kinds, shapes, activations, dropout
/// rates, and parameter slices that tile the arena in order; and the checks of <see cref="NetworkDescription"/>'s constructor.
/// </summary>
public class NetworkDescriptionTests
{
    /// <summary>A layer as declared, without its slices: kind, input and output width, activation, alpha, bias, dropout rate.</summary>
    private readonly record struct Declared(string Kind, int Inputs, int Outputs, Activation Activation, float Alpha, bool HasBias, float Rate);

    private static Declared Dense(int inputs, int outputs, Activation activation = Activation.None, float alpha = 0f, bool bias = true) =>
        new("Dense", inputs, outputs, activation, activation == Activation.LeakyReLU && alpha == 0f ? 0.01f : alpha, bias, 0f);

    private static Declared Dropout(int width, float rate) => new("Dropout", width, width, Activation.None, 0f, false, rate);

    private static readonly Dictionary<string, (NetworkDescription Description, Func<INetwork> Create, LossKind Loss, Declared[] Layers)> s_networks = new()
    {
        ["MnistMlp"] = (MnistMlp.Description, () => new MnistMlp(1), LossKind.SoftmaxCrossEntropy,
            [Dense(784, 512, Activation.ReLU), Dense(512, 10)]),
        ["TinyReluNet"] = (TinyReluNet.Description, () => new TinyReluNet(1), LossKind.SoftmaxCrossEntropy,
            [Dense(5, 7, Activation.ReLU), Dense(7, 3)]),
        ["EveryActivationNet"] = (EveryActivationNet.Description, () => new EveryActivationNet(1), LossKind.SoftmaxCrossEntropy,
            [Dense(9, 17, Activation.LeakyReLU, 0.1f), Dense(17, 33, Activation.Sigmoid), Dense(33, 8, Activation.Tanh), Dense(8, 3)]),
        ["RegressorNet"] = (RegressorNet.Description, () => new RegressorNet(1), LossKind.MeanSquaredError,
            [Dense(3, 5, Activation.LeakyReLU), Dense(5, 4, Activation.Tanh, bias: false), Dense(4, 2, Activation.Sigmoid)]),
        ["XorNet"] = (XorNet.Description, () => new XorNet(1), LossKind.SoftmaxCrossEntropy,
            [Dense(2, 8, Activation.Tanh), Dense(8, 2)]),
        ["LinearRegressionNet"] = (LinearRegressionNet.Description, () => new LinearRegressionNet(1), LossKind.MeanSquaredError,
            [Dense(4, 1)]),
        ["DropoutNet"] = (DropoutNet.Description, () => new DropoutNet(1), LossKind.SoftmaxCrossEntropy,
            [Dense(6, 12, Activation.ReLU), Dropout(12, 0.25f), Dense(12, 9, Activation.Sigmoid), Dropout(9, 0.5f), Dense(9, 3)]),
        ["DropoutFreeTwinNet"] = (DropoutFreeTwinNet.Description, () => new DropoutFreeTwinNet(1), LossKind.SoftmaxCrossEntropy,
            [Dense(6, 12, Activation.ReLU), Dense(12, 9, Activation.Sigmoid), Dense(9, 3)]),
        ["WideTileNet"] = (WideTileNet.Description, () => new WideTileNet(1), LossKind.SoftmaxCrossEntropy,
            [
                Dense(37, 70, Activation.ReLU, bias: false), Dense(70, 33, Activation.LeakyReLU, 0.05f), Dense(33, 40, Activation.Sigmoid),
                Dense(40, 35, Activation.Tanh), Dense(35, 48), Dense(48, 16, Activation.ReLU), Dense(16, 15, Activation.ReLU),
                Dense(15, 8, Activation.Sigmoid), Dense(8, 7, Activation.Tanh), Dense(7, 6, Activation.Sigmoid),
                Dense(6, 5, Activation.LeakyReLU, 0.05f), Dense(5, 13, bias: false),
            ]),
        ["EveryOpRegressor"] = (EveryOpRegressor.Description, () => new EveryOpRegressor(1), LossKind.MeanSquaredError,
            [
                Dense(6, 9, Activation.ReLU), Dense(9, 7, Activation.LeakyReLU, 0.2f), Dense(7, 5, Activation.Sigmoid, bias: false),
                Dense(5, 4, Activation.Tanh), Dense(4, 3),
            ]),
        ["ActivatedOutputRegressor"] = (ActivatedOutputRegressor.Description, () => new ActivatedOutputRegressor(1), LossKind.MeanSquaredError,
            [Dense(5, 8, Activation.LeakyReLU), Dense(8, 6, Activation.Tanh, bias: false), Dense(6, 4, Activation.Sigmoid)]),
        ["NoBiasClassifier"] = (NoBiasClassifier.Description, () => new NoBiasClassifier(1), LossKind.SoftmaxCrossEntropy,
            [Dense(7, 11, Activation.Tanh, bias: false), Dense(11, 6, Activation.Sigmoid), Dense(6, 4, bias: false)]),
    };

    public static TheoryData<string> Networks() => new(s_networks.Keys);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Description_matches_the_declaration(string name)
    {
        (NetworkDescription description, Func<INetwork> create, LossKind loss, Declared[] declared) = s_networks[name];
        using INetwork net = create();

        Assert.Same(description, net.Description);
        Assert.Equal(net.Architecture, description.Architecture);
        Assert.Equal(net.ArchitectureHash, description.ArchitectureHash);
        Assert.Equal(TensorShape.Flat(net.InputSize), description.Input);
        Assert.Equal(TensorShape.Flat(net.OutputSize), description.Output);
        Assert.Equal(net.ParameterCount, description.ParameterCount);
        Assert.Equal(loss, description.Loss);
        Assert.Equal(declared, description.Layers.Select(l => l.Declaration switch
        {
            DenseAttribute d => new Declared(l.Kind, l.Input.Size, l.Output.Size, d.Activation,
                d.Activation == Activation.LeakyReLU ? d.Alpha : 0f, l.Bias.Length > 0, 0f),
            DropoutAttribute r => new Declared(l.Kind, l.Input.Size, l.Output.Size, Activation.None, 0f, l.Bias.Length > 0, r.Rate),
            _ => throw new InvalidOperationException($"unexpected layer {l.Kind}"),
        }));
        Assert.All(description.Layers, l => Assert.True(l.Input == TensorShape.Flat(l.Input.Size) && l.Output == TensorShape.Flat(l.Output.Size)));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_slices_tile_the_arena_in_order(string name)
    {
        NetworkDescription description = s_networks[name].Description;
        int next = 0;
        foreach (LayerDescription layer in description.Layers)
        {
            if (layer.Declaration is DropoutAttribute)
            {
                Assert.Equal(default, layer.Weights);
                Assert.Equal(default, layer.Bias);
                continue;
            }
            Assert.Equal(new ParameterSlice(next, layer.Input.Size * layer.Output.Size), layer.Weights);
            next += layer.Weights.Length;
            if (layer.Bias.Length > 0)
            {
                Assert.Equal(new ParameterSlice(next, layer.Output.Size), layer.Bias);
                next += layer.Bias.Length;
            }
        }
        Assert.Equal(description.ParameterCount, next);
    }

    [Fact]
    public void The_MNIST_network_is_described_in_full()
    {
        Assert.Equal(
            [
                (typeof(DenseAttribute), TensorShape.Flat(784), TensorShape.Flat(512), new ParameterSlice(0, 784 * 512), new ParameterSlice(784 * 512, 512)),
                (typeof(DenseAttribute), TensorShape.Flat(512), TensorShape.Flat(10), new ParameterSlice(784 * 512 + 512, 512 * 10), new ParameterSlice(784 * 512 + 512 + 5120, 10)),
            ],
            MnistMlp.Description.Layers.Select(l => (l.Declaration.GetType(), l.Input, l.Output, l.Weights, l.Bias)));
        var first = (DenseAttribute)MnistMlp.Description.Layers[0].Declaration;
        Assert.Equal((512, Activation.ReLU, true), (first.Units, first.Activation, first.Bias));
        Assert.Equal("Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy", MnistMlp.Description.ToString());
    }

    [Fact]
    public void A_convolutional_network_is_described_with_its_declarations_and_image_shapes()
    {
        IReadOnlyList<LayerDescription> layers = OddConvNet.Description.Layers;
        Assert.Equal(new TensorShape(3, 13, 7), OddConvNet.Description.Input);
        Assert.Equal(["Conv2D", "MaxPool2D", "Conv2D", "AvgPool2D", "Dropout", "Dense", "Dense"], layers.Select(l => l.Kind));
        Assert.Equal(
            [new TensorShape(4, 7, 4), new TensorShape(4, 6, 3), new TensorShape(3, 6, 3), new TensorShape(3, 3, 1), new TensorShape(3, 3, 1), TensorShape.Flat(5), TensorShape.Flat(3)],
            layers.Select(l => l.Output));
        var conv = (Conv2DAttribute)layers[2].Declaration;
        Assert.Equal((3, 2, 3, 1, Padding.Same, Activation.LeakyReLU, 0.1f, true),
            (conv.Filters, conv.KernelHeight, conv.KernelWidth, conv.Stride, conv.Padding, conv.Activation, conv.Alpha, conv.Bias));
        Assert.Equal(new ParameterSlice(4 * 3 * 3 * 3 + 4, 3 * 4 * 2 * 3), layers[2].Weights);
        Assert.Equal((2, 1), (((MaxPool2DAttribute)layers[1].Declaration).Window, ((MaxPool2DAttribute)layers[1].Declaration).Stride));
        Assert.Equal(0.3f, ((DropoutAttribute)layers[4].Declaration).Rate);
        Assert.Equal(new ParameterSlice(0, 0), layers[1].Weights);
    }

    [Fact]
    public void Shapes_print_flat_vectors_as_one_number()
    {
        Assert.Equal("784", TensorShape.Flat(784).ToString());
        Assert.Equal("1×28×28", new TensorShape(1, 28, 28).ToString());
        Assert.Equal(784, new TensorShape(1, 28, 28).Size);
    }

    private static LayerDescription DenseLayer(int inputs, int outputs, int offset) =>
        new(new DenseAttribute(outputs), TensorShape.Flat(inputs), TensorShape.Flat(outputs)) { Weights = new(offset, inputs * outputs), Bias = new(offset + inputs * outputs, outputs) };

    [Fact]
    public void The_constructor_accepts_a_consistent_description_and_copies_its_layers()
    {
        LayerDescription[] layers = [DenseLayer(3, 4, 0), DenseLayer(4, 2, 16)];
        var description = new NetworkDescription("a", 1, TensorShape.Flat(3), layers, LossKind.MeanSquaredError, 26);
        layers[1] = DenseLayer(4, 5, 16);
        Assert.Equal(TensorShape.Flat(2), description.Output);
        Assert.Equal(2, description.Layers.Count);
        Assert.IsNotType<LayerDescription[]>(description.Layers);
    }

    [Fact]
    public void The_constructor_rejects_a_description_that_contradicts_itself()
    {
        TensorShape three = TensorShape.Flat(3);
        Assert.Throws<ArgumentNullException>(() => new NetworkDescription(null!, 1, three, [DenseLayer(3, 2, 0)], LossKind.MeanSquaredError, 8));
        Assert.Throws<ArgumentNullException>(() => new NetworkDescription("a", 1, three, null!, LossKind.MeanSquaredError, 8));
        Assert.Throws<ArgumentNullException>(() => new NetworkDescription("a", 1, three, [null!], LossKind.MeanSquaredError, 8));
        AssertRejected("has no layer", () => new NetworkDescription("a", 1, three, [], LossKind.MeanSquaredError, 8));
        AssertRejected("Layer 0 (Dense) of \"a\" takes 4, but the network's input is 3",
            () => new NetworkDescription("a", 1, three, [DenseLayer(4, 2, 0)], LossKind.MeanSquaredError, 10));
        AssertRejected("Layer 1 (Dense) of \"a\" takes 5, but the layer before it outputs 2",
            () => new NetworkDescription("a", 1, three, [DenseLayer(3, 2, 0), DenseLayer(5, 1, 8)], LossKind.MeanSquaredError, 14));
        AssertRejected("The bias slice [6, 6 + 2) of layer 0 (Dense) of \"a\" does not lie inside the parameter arena of 7 floats",
            () => new NetworkDescription("a", 1, three, [DenseLayer(3, 2, 0)], LossKind.MeanSquaredError, 7));
        AssertRejected("The weights slice [-1, -1 + 6) of layer 0 (Dense) of \"a\" does not lie inside",
            () => new NetworkDescription("a", 1, three, [DenseLayer(3, 2, -1)], LossKind.MeanSquaredError, 8));
        AssertRejected("names loss head 7", () => new NetworkDescription("a", 1, three, [DenseLayer(3, 2, 0)], (LossKind)7, 8));
    }

    private static void AssertRejected(string expected, Func<NetworkDescription> create)
    {
        var error = Assert.Throws<ArgumentException>(create);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
