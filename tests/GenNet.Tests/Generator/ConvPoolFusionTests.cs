using Microsoft.CodeAnalysis;

namespace GenNet.Tests.Generator;

/// <summary>
/// A max pooling right after a convolution computes that convolution's forward pass with its own, and the convolution
/// then has no output slice, when the pooling's backward pass from winners can apply the convolution's derivative: None
/// or ReLU. Any other activation, or another layer after the convolution, keeps the separate passes.
/// </summary>
public class ConvPoolFusionTests
{
    private static string Generate(string convolution, string pooling)
    {
        string source = $$"""
            using GenNet;
            namespace Sample;
            [Input(2, 9, 9)]
            {{convolution}}
            {{pooling}}
            [Dense(3)]
            [SoftmaxCrossEntropy]
            public partial class Net;
            """;
        (GeneratorDriverRunResult run, Compilation output) = GeneratorHarness.Generate(GeneratorHarness.Compile(source));
        Assert.Empty(GeneratorHarness.CompilerErrors(output));
        return Assert.Single(run.GeneratedTrees).GetText().ToString();
    }

    [Theory]
    [InlineData("Activation.ReLU", "ReLU")]
    [InlineData("Activation.None", "None")]
    public void A_max_pooling_after_a_ReLU_or_linear_convolution_takes_over_its_forward_pass(string activation, string applied)
    {
        string code = Generate($"[Conv2D(4, kernel: 3, activation: {activation}, bias: false)]", "[MaxPool2D(3, stride: 2)]");
        Assert.Contains("Kernels.Conv2DMaxPoolForward<Layer1>(A2(rows), training ? I2(rows) : default, x, W1, default, rows, Geometry1, Geometry2, _workers);", code);
        Assert.Contains("private void RunForward(global::System.ReadOnlySpan<float> x, int rows, bool training)", code);
        Assert.DoesNotContain("Kernels.Conv2DForward<", code);
        Assert.DoesNotContain(" A1(int rows)", code);
        Assert.Contains("//   I2 [rows × 36] at MaxBatchSize × 36: layer 2's winners", code);
        // A first layer: its weight gradient builds dZ1 from the pooling's gradient sample by sample, and DA1 is never stored.
        Assert.Contains("Kernels.Conv2DBackwardParametersFromWinners<Layer1>(DW1, default, x, DA2(rows), A2(rows), I2(rows), rows, Geometry1, Geometry2, _workers);", code);
        Assert.Equal(applied == "ReLU", code.Contains("dZ1, sample by sample as dW1 reads it: layer 2's gradient da2 at each window's winner (I2), times ReLU′ of the window's value a2", StringComparison.Ordinal));
        Assert.DoesNotContain("DA1", code);
        Assert.DoesNotContain("MaxPool2DBackwardFromWinners", code);
        Assert.DoesNotContain("Conv2DBackwardParameters<", code);
    }

    /// <summary>A convolution after another layer keeps its input gradient, so its dZ is stored: the pooling's backward pass
    /// from winners writes it, and the weight gradient and input gradient both read it.</summary>
    [Theory]
    [InlineData("Activation.ReLU", "ReLU")]
    [InlineData("Activation.None", "None")]
    public void A_pooled_convolution_after_another_layer_gets_its_gradient_from_the_pooling(string activation, string applied)
    {
        string code = Generate($"[Conv2D(2, kernel: 1)] [Conv2D(4, kernel: 3, activation: {activation}, bias: false)]", "[MaxPool2D(3, stride: 2)]");
        Assert.Contains("Kernels.Conv2DMaxPoolForward<Layer2>(A3(rows), training ? I3(rows) : default, A1(rows), W2, default, rows, Geometry2, Geometry3, _workers);", code);
        Assert.Contains($"Kernels.MaxPool2DBackwardFromWinners(DA2(rows), DA3(rows), A3(rows), I3(rows), rows, Geometry3, _workers, global::GenNet.Activation.{applied});", code);
        Assert.Contains("Kernels.Conv2DBackwardParameters<Layer2>(DW2, default, A1(rows), DA2(rows), rows, Geometry2, _workers);", code);
        Assert.Contains("Kernels.Conv2DBackwardInput<Layer2>(DA1(rows), DA2(rows), W2, rows, Geometry2, _workers);", code);
        Assert.DoesNotContain("FromWinners<", code);
    }

    /// <summary>After a dropout, the fused pass reads the dropout's output while training and its input otherwise.</summary>
    [Fact]
    public void A_fused_pass_after_a_dropout_reads_the_dropout_input_outside_training()
    {
        string code = Generate("[Conv2D(2, kernel: 1)] [Dropout(0.2)] [Conv2D(4, kernel: 3, activation: Activation.ReLU, bias: false)]", "[MaxPool2D(2)]");
        Assert.Contains("Kernels.Conv2DMaxPoolForward<Layer3>(A4(rows), training ? I4(rows) : default, training ? D2(rows) : A1(rows), W3, default, rows, Geometry3, Geometry4, _workers);", code);
    }

    [Theory]
    [InlineData("[Conv2D(4, kernel: 3, activation: Activation.Tanh)]", "[MaxPool2D(3, stride: 2)]")]
    [InlineData("[Conv2D(4, kernel: 3, activation: Activation.LeakyReLU)]", "[MaxPool2D(2)]")]
    [InlineData("[Conv2D(4, kernel: 3, activation: Activation.ReLU)]", "[AvgPool2D(2)]")]
    public void Other_activations_and_poolings_keep_the_separate_passes(string convolution, string pooling)
    {
        string code = Generate(convolution, pooling);
        Assert.Contains("Kernels.Conv2DForward<Layer1>(A1(rows), x, W1, B1, rows, Geometry1, _workers);", code);
        Assert.DoesNotContain("Conv2DMaxPoolForward", code);
        Assert.DoesNotContain("FromWinners", code);
        Assert.DoesNotContain("I2(", code);
    }
}
