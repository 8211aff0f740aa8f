using Microsoft.CodeAnalysis;

namespace GenNet.Tests.Generator;

/// <summary>One test per GNN diagnostic: the ID, the location it reports, and that no code is generated.</summary>
public class DiagnosticsTests
{
    [Fact]
    public void GNN0001_class_not_partial() => Verify("""
        using GenNet;
        [Input(4)] [Dense(2)] [SoftmaxCrossEntropy]
        public class {|GNN0001:Net|} { }
        """);

    [Fact]
    public void GNN0002_no_input() => Verify("""
        using GenNet;
        [{|GNN0002:Dense(2)|}] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0003_input_not_first() => Verify("""
        using GenNet;
        [Dense(3)] [{|GNN0003:Input(4)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0004_input_twice() => Verify("""
        using GenNet;
        [Input(4)] [{|GNN0004:Input(4)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0005_input_size_not_positive() => Verify("""
        using GenNet;
        [{|GNN0005:Input(0)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0005_dense_units_not_positive() => Verify("""
        using GenNet;
        [Input(4)] [{|GNN0005:Dense(-3, Activation.ReLU)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0006_no_loss_head() => Verify("""
        using GenNet;
        [Input(4)] [Dense(2)]
        public partial class {|GNN0006:Net|} { }
        """);

    [Fact]
    public void GNN0007_loss_not_last() => Verify("""
        using GenNet;
        [Input(4)] [Dense(3)] [{|GNN0007:SoftmaxCrossEntropy|}] [Dense(2)]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0008_two_loss_heads() => Verify("""
        using GenNet;
        [Input(4)] [Dense(2)] [SoftmaxCrossEntropy] [{|GNN0008:MeanSquaredError|}]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0009_softmax_on_one_output() => Verify("""
        using GenNet;
        [Input(4)] [Dense(1)] [{|GNN0009:SoftmaxCrossEntropy|}]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0010_layers_split_over_partial_declarations() => Verify("""
        using GenNet;
        [Input(4)] [Dense(3)]
        public partial class Net { }
        [{|GNN0010:Dense(2)|}] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0011_nested_class() => Verify("""
        using GenNet;
        public partial class Outer
        {
            [Input(4)] [Dense(2)] [SoftmaxCrossEntropy]
            public partial class {|GNN0011:Net|} { }
        }
        """);

    [Fact]
    public void GNN0011_generic_class() => Verify("""
        using GenNet;
        [Input(4)] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class {|GNN0011:Net|}<T> { }
        """);

    [Fact]
    public void GNN0011_static_class() => Verify("""
        using GenNet;
        [Input(4)] [Dense(2)] [SoftmaxCrossEntropy]
        public static partial class {|GNN0011:Net|} { }
        """);

    [Fact]
    public void GNN0012_undefined_activation_value() => Verify("""
        using GenNet;
        [Input(4)] [{|GNN0012:Dense(3, (Activation)42)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0012_leaky_relu_slope_not_positive() => Verify("""
        using GenNet;
        [Input(4)] [{|GNN0012:Dense(3, Activation.LeakyReLU, alpha: -0.5f)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0013_no_dense_layer() => Verify("""
        using GenNet;
        [Input(4)] [SoftmaxCrossEntropy]
        public partial class {|GNN0013:Net|} { }
        """);

    [Fact]
    public void GNN0014_too_many_parameters() => Verify("""
        using GenNet;
        [Input(100000)] [Dense(100000)] [SoftmaxCrossEntropy]
        public partial class {|GNN0014:Net|} { }
        """);

    [Fact]
    public void GNN0014_just_above_the_largest_arena() => Verify("""
        using GenNet;
        [Input(2147483600)] [Dense(1, bias: false)] [MeanSquaredError]
        public partial class {|GNN0014:Net|} { }
        """);

    [Fact]
    public void GNN0015_dropout_not_between_dense_layers() => Verify("""
        using GenNet;
        [Input(4)] [{|GNN0015:Dropout(0.5f)|}] [Dense(3)] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0015_dropout_before_the_loss_head() => Verify("""
        using GenNet;
        [Input(4)] [Dense(3)] [Dense(2)] [{|GNN0015:Dropout(0.5f)|}] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0016_dropout_rate_out_of_range() => Verify("""
        using GenNet;
        [Input(4)] [Dense(3)] [{|GNN0016:Dropout(1f)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void GNN0005_image_and_spatial_sizes_not_positive() => Verify("""
        using GenNet;
        [{|GNN0005:Input(0, 28, 28)|}] [Conv2D(2, 3)] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class A { }
        [Input(1, 8, 8)] [{|GNN0005:Conv2D(2, 3, stride: 0)|}] [{|GNN0005:MaxPool2D(0)|}] [{|GNN0005:AvgPool2D(2, stride: -1)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class B { }
        """);

    [Fact]
    public void GNN0017_spatial_layer_on_a_flat_input() => Verify("""
        using GenNet;
        [Input(784)] [{|GNN0017:Conv2D(8, 3)|}] [Dense(10)] [SoftmaxCrossEntropy]
        public partial class A { }
        [Input(1, 8, 8)] [Dense(16)] [{|GNN0017:MaxPool2D(2)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class B { }
        [Input(1, 8, 8)] [GlobalAvgPool2D] [{|GNN0017:GlobalAvgPool2D|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class C { }
        """);

    [Fact]
    public void GNN0018_window_larger_than_its_input() => Verify("""
        using GenNet;
        [Input(1, 4, 6)] [{|GNN0018:Conv2D(2, 5)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class A { }
        [Input(1, 6, 6)] [Conv2D(2, 3)] [{|GNN0018:MaxPool2D(5)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class B { }
        [Input(2, 9, 3)] [{|GNN0018:AvgPool2D(4, stride: 1)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class C { }
        """);

    [Fact]
    public void GNN0018_message_gives_the_shapes()
    {
        (string source, _) = Markup.Parse("""
            using GenNet;
            [Input(1, 6, 6)] [Conv2D(2, 3)] [MaxPool2D(5)] [Dense(2)] [SoftmaxCrossEntropy]
            public partial class Net { }
            """);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(source)));
        Assert.Equal("[MaxPool2D] layer 2 does not fit its 2×4×4 input: its 5×5 window is larger than the 4×4 image", diagnostic.GetMessage());
    }

    [Fact]
    public void GNN0019_undefined_padding() => Verify("""
        using GenNet;
        [Input(1, 8, 8)] [{|GNN0019:Conv2D(2, 3, padding: (Padding)7)|}] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void A_same_padded_kernel_may_exceed_its_input() => AssertCleanBuild(networks: 1, """
        using GenNet;
        [Input(1, 2, 2)] [Conv2D(2, 5, padding: Padding.Same)] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """);

    [Fact]
    public void A_stride_near_int_MaxValue_gives_one_output_pixel_and_compiles() => AssertCleanBuild(networks: 2, """
        using GenNet;
        [Input(1, 5, 5)] [Conv2D(2, 3, stride: int.MaxValue, padding: Padding.Same)] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Same { }
        [Input(1, 5, 5)] [Conv2D(2, 3, stride: int.MaxValue)] [MaxPool2D(1, stride: int.MaxValue)] [Dense(2)] [SoftmaxCrossEntropy]
        public partial class Valid { }
        """);

    [Fact]
    public void The_mnist_convnet_declaration_compiles() => AssertCleanBuild(networks: 1, """
        using GenNet;
        [Input(1, 28, 28)]
        [Conv2D(32, kernel: 3, activation: Activation.ReLU)]
        [MaxPool2D(2)]
        [Conv2D(64, kernel: 3, activation: Activation.ReLU)]
        [MaxPool2D(2)]
        [Dropout(0.5)]
        [Dense(10)]
        [SoftmaxCrossEntropy]
        public partial class MnistConvNet;
        """);

    [Fact]
    public void Messages_say_what_to_do()
    {
        (string source, _) = Markup.Parse("""
            using GenNet;
            [Input(4)] [Dense(2)]
            public partial class Net { }
            """);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(source)));
        Assert.Equal("Network class 'Net' has no loss head; end the layer list with [SoftmaxCrossEntropy] or [MeanSquaredError]", diagnostic.GetMessage());
    }

    [Fact]
    public void Pragma_suppresses_a_diagnostic()
    {
        var compilation = GeneratorHarness.Compile("""
            using GenNet;
            #pragma warning disable GNN0006
            [Input(4)] [Dense(2)]
            public partial class Net { }
            """);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.AnalyzeIncludingSuppressed(compilation));
        Assert.Equal("GNN0006", diagnostic.Id);
        Assert.True(diagnostic.IsSuppressed, "GNN0006 is reported but not suppressed");
        // What the build sees: nothing.
        Assert.Empty(GeneratorHarness.Analyze(compilation));
    }

    [Fact]
    public void Valid_declaration_has_no_diagnostics_and_compiles() => AssertCleanBuild(networks: 1, """
        using GenNet;
        namespace Sample;
        [Input(784)] [Dense(512, Activation.ReLU)] [Dense(10)] [SoftmaxCrossEntropy]
        public partial class MnistMlp { }
        """);

    // The layer structs and tile helpers are file-local: a user type with the same name in the same namespace, and a
    // second network, still compile. The user's NetLayer1 does not meet the kernels' constraint, so a clean build also
    // shows that the network binds its own.
    [Fact]
    public void Generated_layer_types_do_not_clash_with_user_types_of_the_same_names() => AssertCleanBuild(networks: 2, """
        using GenNet;
        namespace Sample;
        [Input(20)] [Dense(40, Activation.ReLU)] [Dense(3)] [SoftmaxCrossEntropy]
        public partial class Net { }
        [Input(20)] [Dense(40, Activation.ReLU)] [Dense(3)] [SoftmaxCrossEntropy]
        public partial class Other { }
        public class NetLayer1 { public static int Inputs => -1; }
        public static class NetTileMath { }
        """);

    /// <summary>No analyzer diagnostic, one generated file per network, and no compiler error in the output.</summary>
    private static void AssertCleanBuild(int networks, string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        (var run, Compilation output) = GeneratorHarness.Generate(compilation);
        Assert.Equal(networks, run.GeneratedTrees.Length);
        Assert.Empty(GeneratorHarness.CompilerErrors(output));
    }

    /// <summary>
    /// The analyzer reports exactly the marked diagnostics at the marked spans; the generator emits nothing for the
    /// invalid class; and the compilation has no compiler errors (a bad declaration never yields broken code).
    /// </summary>
    private static void Verify(string markup)
    {
        (string source, List<(string Id, Microsoft.CodeAnalysis.Text.TextSpan Span)> expected) = Markup.Parse(markup);
        var compilation = GeneratorHarness.Compile(source);

        var actual = GeneratorHarness.Analyze(compilation)
            .Select(d => (d.Id, d.Location.SourceSpan))
            .OrderBy(d => d.SourceSpan.Start)
            .ToList();
        Assert.Equal(expected.OrderBy(e => e.Span.Start).Select(e => (e.Id, e.Span)).ToList(), actual);

        (var run, Compilation output) = GeneratorHarness.Generate(compilation);
        Assert.Empty(run.GeneratedTrees);
        Assert.Empty(GeneratorHarness.CompilerErrors(output));
    }
}
