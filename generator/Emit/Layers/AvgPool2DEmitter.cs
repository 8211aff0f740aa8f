using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[AvgPool2D]: forward averages each window; backward spreads each gradient evenly over its window.</summary>
internal sealed class AvgPool2DEmitter : LayerEmitter<AvgPool2DSpec>
{
    protected override string Declaration(AvgPool2DSpec layer) => Attribute("AvgPool2D", Ints(layer.Window, layer.Stride));

    protected override void EmitMembers(SourceWriter w, NetworkSpec network, AvgPool2DSpec layer) => MaxPool2DEmitter.EmitGeometry(w, layer);

    protected override void EmitForward(SourceWriter w, NetworkSpec network, AvgPool2DSpec layer)
    {
        w.Line($"// Layer {layer.Number}: {layer.Describe()} {layer.Input} → {layer.Output}");
        w.Line($"{TypeNames.Kernels}.AvgPool2DForward({Rows(layer.Flow.Output)}, {ForwardInput(layer)}, rows, Geometry{layer.Number});");
    }

    protected override void EmitBackward(SourceWriter w, NetworkSpec network, AvgPool2DSpec layer)
    {
        if (layer.Flow.InputGradient is { } inputGradient)
        {
            w.Line($"// Layer {layer.Number}: {layer.Describe()}: each gradient shared evenly by its window");
            w.Line($"{TypeNames.Kernels}.AvgPool2DBackward({Rows(inputGradient)}, {Rows(layer.Flow.OutputGradient)}, rows, Geometry{layer.Number});");
        }
    }
}
