using System.Reflection;
using GenNet.Generator;
using GenNet.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GenNet.Tests.Generator;

/// <summary>The pipeline's caching contract: unrelated edits reuse the cached spec; layer edits re-emit.</summary>
public class IncrementalityTests
{
    private const string Network = """
        using GenNet;
        namespace Sample;
        [Input(8)] [Dense(16, Activation.ReLU)] [Dense(3)] [SoftmaxCrossEntropy]
        public partial class Net { }
        """;

    [Fact]
    public void Unrelated_edit_leaves_output_cached()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Network, "class Other { int X; }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);

        SyntaxTree other = first.SyntaxTrees.Last();
        CSharpCompilation second = first.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int X; int Y; }", (CSharpParseOptions)other.Options, other.FilePath));
        GeneratorRunResult result = driver.RunGenerators(second).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(Outputs(result, TrackingNames.ValidNetworks)).Reason);
        var emitted = result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).ToArray();
        Assert.NotEmpty(emitted);
        Assert.All(emitted, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Edit_of_the_network_file_that_keeps_its_layers_is_unchanged()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Network);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);

        SyntaxTree tree = first.SyntaxTrees.Single();
        CSharpCompilation second = first.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Network + "\n// a comment\n", (CSharpParseOptions)tree.Options, tree.FilePath));
        GeneratorRunResult result = driver.RunGenerators(second).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Outputs(result, TrackingNames.Parse)).Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(Outputs(result, TrackingNames.ValidNetworks)).Reason);
    }

    [Fact]
    public void Layer_edit_marks_the_spec_modified()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Network);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);

        SyntaxTree tree = first.SyntaxTrees.Single();
        string edited = Network.Replace("Dense(16,", "Dense(32,");
        CSharpCompilation second = first.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(edited, (CSharpParseOptions)tree.Options, tree.FilePath));
        GeneratorRunResult result = driver.RunGenerators(second).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(result, TrackingNames.ValidNetworks)).Reason);
        Assert.Contains("Dense(32,ReLU)", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Equal_sources_produce_equal_specs()
    {
        NetworkSpec a = ParseSpec(Network);
        NetworkSpec b = ParseSpec(Network);
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ParseSpec(Network.Replace("Dense(3)", "Dense(4)")));
    }

    [Fact]
    public void Spec_holds_no_Roslyn_objects()
    {
        var seen = new HashSet<Type>();
        Walk(typeof(NetworkSpec), seen);
        // The layers sit behind their abstract base: walk every kind's record too.
        Type[] kinds = typeof(LayerSpec).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerSpec)) || t.IsSubclassOf(typeof(LossSpec))).ToArray();
        Assert.Contains(typeof(DenseSpec), kinds);
        Assert.Contains(typeof(DropoutSpec), kinds);
        Assert.Contains(typeof(SoftmaxCrossEntropySpec), kinds);
        foreach (Type kind in kinds)
        {
            Walk(kind, seen);
        }
        Assert.Contains(typeof(Slice), seen);
        Assert.DoesNotContain(seen, t => t.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(seen, t => t == typeof(object));
    }

    private static void Walk(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
        {
            return;
        }
        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                Walk(argument, seen);
            }
            if (type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
            {
                return; // its one field is an ImmutableArray<T> of the argument walked above
            }
        }
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.FieldType, seen);
        }
    }

    /// <summary>Every output of the tracked step <paramref name="name"/> in this run (one per network it saw).</summary>
    private static (object Value, IncrementalStepRunReason Reason)[] Outputs(GeneratorRunResult result, string name)
    {
        Assert.True(result.TrackedSteps.TryGetValue(name, out var steps), $"no step is tracked as {name}");
        return steps.SelectMany(step => step.Outputs).ToArray();
    }

    private static NetworkSpec ParseSpec(string source)
    {
        GeneratorRunResult result = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(source)).GetRunResult().Results.Single();
        return (NetworkSpec)result.TrackedSteps[TrackingNames.ValidNetworks].Single().Outputs.Single().Value;
    }
}
