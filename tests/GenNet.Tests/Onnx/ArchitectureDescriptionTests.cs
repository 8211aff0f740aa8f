using GenNet.Models;
using GenNet.Onnx;
using GenNet.Tests.Networks;

namespace GenNet.Tests.Onnx;

public sealed class ArchitectureDescriptionTests
{
    [Fact]
    public void Reads_the_canonical_MNIST_architecture()
    {
        ArchitectureDescription a = ArchitectureDescription.Parse("Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy");
        Assert.Equal(784, a.InputSize);
        Assert.Equal(LossHead.SoftmaxCrossEntropy, a.Loss);
        Assert.Equal([new DenseDescription(784, 512, Activation.ReLU, 0f, true), new DenseDescription(512, 10, Activation.None, 0f, true)], a.Layers);
        Assert.Equal(MnistMlp.ParameterCount, a.ParameterCount);
        Assert.Equal(10, a.OutputSize);
    }

    [Fact]
    public void Reads_alpha_and_bias_options()
    {
        ArchitectureDescription a = ArchitectureDescription.Parse(
            "Input(3) Dense(5,LeakyReLU,alpha=0.2) Dense(4,Tanh,bias=false) Dense(2,Sigmoid) Dense(6,bias=false) MeanSquaredError");
        Assert.Equal(
            [
                new DenseDescription(3, 5, Activation.LeakyReLU, 0.2f, true),
                new DenseDescription(5, 4, Activation.Tanh, 0f, false),
                new DenseDescription(4, 2, Activation.Sigmoid, 0f, true),
                new DenseDescription(2, 6, Activation.None, 0f, false),
            ],
            a.Layers);
        Assert.Equal(LossHead.MeanSquaredError, a.Loss);
    }

    [Fact]
    public void Every_generated_test_network_parses_to_its_own_parameter_count()
    {
        INetwork[] networks =
        [
            new MnistMlp(1), new TinyReluNet(1), new EveryActivationNet(1), new RegressorNet(1), new XorNet(1),
            new LinearRegressionNet(1), new EveryOpRegressor(1), new ActivatedOutputRegressor(1), new NoBiasClassifier(1),
        ];
        foreach (INetwork net in networks)
        {
            using (net)
            {
                ArchitectureDescription a = ArchitectureDescription.Parse(net.Architecture);
                Assert.Equal(net.ParameterCount, a.ParameterCount);
                Assert.Equal(net.InputSize, a.InputSize);
                Assert.Equal(net.OutputSize, a.OutputSize);
            }
        }
    }

    [Fact]
    public void The_default_LeakyReLU_slope_is_written_out_and_read_back()
    {
        ArchitectureDescription a = ArchitectureDescription.Parse(RegressorNet.Architecture);
        Assert.Equal(0.01f, a.Layers[0].Alpha);
        Assert.Equal(ArchitectureDescription.DefaultLeakyReluAlpha, ArchitectureDescription.Parse("Input(2) Dense(3,LeakyReLU) Dense(1) MeanSquaredError").Layers[0].Alpha);
    }

    [Theory]
    [InlineData("", "expected Input(n)")]
    [InlineData("Input(4) MeanSquaredError", "expected Input(n), at least one Dense")]
    [InlineData("Dense(4) Dense(2) MeanSquaredError", "'Dense(4)' should be Input(n)")]
    [InlineData("Input(0) Dense(2) MeanSquaredError", "'0' in 'Input(0)' is not a size")]
    [InlineData("Input(4) Conv(2) MeanSquaredError", "'Conv(2)' should be Dense")]
    [InlineData("Input(4) Dense(2,Swish) MeanSquaredError", "'Swish' in 'Dense(2,Swish)' is not an activation")]
    [InlineData("Input(4) Dense(2,ReLU,alpha=0.1) MeanSquaredError", "gives alpha to a layer that is not LeakyReLU")]
    [InlineData("Input(4) Dense(2,LeakyReLU,alpha=-1) MeanSquaredError", "'alpha=-1' in 'Dense(2,LeakyReLU,alpha=-1)' is not a finite alpha")]
    [InlineData("Input(4) Dense(2,bias=true) MeanSquaredError", "'bias=true' in 'Dense(2,bias=true)' is not an activation")]
    [InlineData("Input(4) Dense(2,Tanh,ReLU) MeanSquaredError", "'ReLU' in 'Dense(2,Tanh,ReLU)' is not understood")]
    [InlineData("Input(4) Dense(2) CrossEntropy", "'CrossEntropy' is not a loss head")]
    [InlineData("Input(4)  Dense(2) MeanSquaredError", "'' should be Dense")]
    [InlineData("Input(4) Dense(2 MeanSquaredError", "is not of the form Name(arguments)")]
    public void Rejects_text_it_does_not_understand_and_says_what(string architecture, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ArchitectureDescription.Parse(architecture));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{architecture}\"", error.Message, StringComparison.Ordinal);
    }
}
