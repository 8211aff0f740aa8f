using System.Reflection;
using System.Runtime.CompilerServices;
using GenNet.Generator.Emit;
using GenNet.Generator.Model;
using GenNet.Generator.Parse;

namespace GenNet.Tests.Generator;

/// <summary>The generator finds each layer kind's reader and emitter by reflection: none may be missing.</summary>
public class LayerKindsTests
{
    private static readonly string[] Losses = ["SoftmaxCrossEntropy", "MeanSquaredError"];

    [Fact]
    public void Every_runtime_layer_attribute_has_exactly_one_reader()
    {
        string[] attributes = typeof(DenseAttribute).Assembly.GetTypes()
            .Where(t => t.Namespace == "GenNet" && t.IsSubclassOf(typeof(Attribute)) && t.Name.EndsWith("Attribute", StringComparison.Ordinal))
            .Select(t => t.Name[..^"Attribute".Length])
            .Where(name => name != "Input" && !Losses.Contains(name))
            .Order()
            .ToArray();
        Assert.Contains("Dense", attributes);
        Assert.Contains("Conv2D", attributes);
        Assert.Contains("GlobalAvgPool2D", attributes);
        Assert.Equal(attributes, LayerReader.ByName.Keys.Order().ToArray());
    }

    [Fact]
    public void Every_loss_head_has_a_spec_and_an_emitter()
    {
        Assert.Equal(Losses.Order(), LossSpec.ByName.Keys.Order());
        Assert.Equal(Losses.Order(), Enum.GetNames<LossKind>().Order());
        foreach (LossSpec loss in LossSpec.ByName.Values)
        {
            Assert.NotNull(GenNet.Generator.Emit.LossEmitter.For(loss));
        }
    }

    [Fact]
    public void Every_layer_spec_has_an_emitter()
    {
        Type[] kinds = typeof(LayerSpec).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerSpec)) && !t.IsAbstract).ToArray();
        Assert.NotEmpty(kinds);
        foreach (Type kind in kinds)
        {
            var spec = (LayerSpec)RuntimeHelpers.GetUninitializedObject(kind);
            Assert.NotNull(LayerEmitter.For(spec));
        }
    }
}
