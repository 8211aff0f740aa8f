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
        Assert.Contains($"Kernels.MaxPool2DBackwardFromWinners(DA1(rows), DA2(rows), A2(rows), I2(rows), rows, Geometry2, _workers, global::GenNet.Activation.{applied});", code);
        Assert.DoesNotContain("Kernels.Conv2DForward<", code);
        Assert.DoesNotContain(" A1(int rows)", code);
        Assert.Contains("//   I2 [rows × 36] at MaxBatchSize × 36: layer 2's winners", code);
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
