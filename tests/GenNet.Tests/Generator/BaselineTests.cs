using Microsoft.CodeAnalysis;

namespace GenNet.Tests.Generator;

/// <summary>
/// The emitted source of small networks against checked-in baselines (Generator/Baselines/*.g.cs.txt).
/// After an intended change, run the tests with GENNET_UPDATE_BASELINES=1 to rewrite them, and review the diff.
/// </summary>
public class BaselineTests
{
    [Fact]
    public void Mnist_mlp_matches_baseline() => VerifyBaseline("MnistMlp", """
        using GenNet;
        namespace Sample;
        [Input(784)]
        [Dense(512, Activation.ReLU)]
        [Dense(10)]
        [SoftmaxCrossEntropy]
        public partial class MnistMlp { }
        """);

    [Fact]
    public void Regressor_without_bias_in_global_namespace_matches_baseline() => VerifyBaseline("Regressor", """
        using GenNet;
        [Input(3)]
        [Dense(5, Activation.LeakyReLU, alpha: 0.2f)]
        [Dense(4, Activation.Tanh, bias: false)]
        [Dense(2, Activation.Sigmoid)]
        [MeanSquaredError]
        internal partial class Regressor { }
        """);

    [Fact]
    public void Dropout_network_matches_baseline() => VerifyBaseline("DropoutMlp", """
        using GenNet;
        namespace Sample;
        [Input(784)]
        [Dense(256, Activation.ReLU)]
        [Dropout(0.2f)]
        [Dense(128, Activation.Tanh)]
        [Dropout(0.1f)]
        [Dense(10)]
        [SoftmaxCrossEntropy]
        public partial class DropoutMlp { }
        """);

    /// <summary>Widths whose last column block fits one vector get one-vector tail tiles: 100 (4 left with either width),
    /// 40 (8 left), and 48 only with Vector512 (16 left; with Vector256 48 is three full blocks).</summary>
    [Fact]
    public void Tail_tiles_match_baseline() => VerifyBaseline("NarrowTailMlp", """
        using GenNet;
        namespace Sample;
        [Input(784)]
        [Dense(100, Activation.ReLU, bias: false)]
        [Dense(48, Activation.ReLU)]
        [Dense(40)]
        [MeanSquaredError]
        public partial class NarrowTailMlp;
        """);

    /// <summary>The first convolution's act′ is fused into the max pooling after it; the second's, before an average
    /// pooling, runs as its own pass.</summary>
    [Fact]
    public void Convolutional_network_matches_baseline() => VerifyBaseline("MnistConvNet", """
        using GenNet;
        namespace Sample;
        [Input(1, 28, 28)]
        [Conv2D(32, kernel: 3, activation: Activation.ReLU)]
        [MaxPool2D(2)]
        [Conv2D(64, kernel: 3, activation: Activation.ReLU, padding: Padding.Same)]
        [AvgPool2D(3, stride: 2)]
        [Dropout(0.5)]
        [Dense(10)]
        [SoftmaxCrossEntropy]
        public partial class MnistConvNet;
        """);

    private static void VerifyBaseline(string name, string source)
    {
        (GeneratorDriverRunResult run, Compilation output) = GeneratorHarness.Generate(GeneratorHarness.Compile(source));
        Assert.Empty(GeneratorHarness.CompilerErrors(output));
        string actual = Assert.Single(run.GeneratedTrees).GetText().ToString().ReplaceLineEndings("\n");

        string path = Path.Combine(Data.SharedData.RepoRoot ?? throw new InvalidOperationException("No GenNet.sln above the test binaries."), "tests", "GenNet.Tests", "Generator", "Baselines", name + ".g.cs.txt");
        if (Environment.GetEnvironmentVariable("GENNET_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"No baseline at {path}; run with GENNET_UPDATE_BASELINES=1 to create it.");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            Assert.Fail($"Generated source differs from {path} (GENNET_UPDATE_BASELINES=1 rewrites it):\n{LineDiff(expected, actual)}");
        }
    }

    /// <summary>The first differing lines, with line numbers: enough to see what changed.</summary>
    private static string LineDiff(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        var report = new System.Text.StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.Max(e.Length, a.Length) && shown < 20; i++)
        {
            string? left = i < e.Length ? e[i] : null, right = i < a.Length ? a[i] : null;
            if (left != right)
            {
                report.Append($"line {i + 1}:\n  - {left ?? "<missing>"}\n  + {right ?? "<missing>"}\n");
                shown++;
            }
        }
        return report.ToString();
    }
}
