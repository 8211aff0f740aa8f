using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[GlobalAvgPool2D]: the mean of each channel; backward spreads each gradient evenly over its plane.</summary>
internal sealed class GlobalAvgPool2DEmitter : LayerEmitter<GlobalAvgPool2DSpec>
{
    protected override string Declaration(GlobalAvgPool2DSpec layer) => Attribute("GlobalAvgPool2D");

    protected override void EmitForward(SourceWriter w, NetworkSpec network, GlobalAvgPool2DSpec layer)
    {
        w.Line($"// Layer {layer.Number}: GlobalAvgPool2D {layer.Input} → {layer.Output}");
        w.Line($"{TypeNames.Kernels}.GlobalAvgPool2DForward({Rows(layer.Flow.Output)}, {ForwardInput(layer)}, rows, {Ints(layer.Input.Channels, layer.Input.Height * layer.Input.Width)});");
    }

    protected override void EmitBackward(SourceWriter w, NetworkSpec network, GlobalAvgPool2DSpec layer)
    {
        if (layer.Flow.InputGradient is { } inputGradient)
        {
            w.Line($"// Layer {layer.Number}: GlobalAvgPool2D: each channel's gradient shared evenly by its plane");
            w.Line($"{TypeNames.Kernels}.GlobalAvgPool2DBackward({Rows(inputGradient)}, {Rows(layer.Flow.OutputGradient)}, rows, {Ints(layer.Input.Channels, layer.Input.Height * layer.Input.Width)});");
        }
    }
}
