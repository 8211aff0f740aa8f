using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[MaxPool2D]: forward takes each window's largest value; backward finds it again in the input.</summary>
internal sealed class MaxPool2DEmitter : LayerEmitter<MaxPool2DSpec>
{
    private const string Geometry = "global::GenNet.Pool2DGeometry";

    protected override string Declaration(MaxPool2DSpec layer) => Attribute("MaxPool2D", Ints(layer.Window, layer.Stride));

    protected override void EmitMembers(SourceWriter w, NetworkSpec network, MaxPool2DSpec layer) => EmitGeometry(w, layer);

    protected override void EmitForward(SourceWriter w, NetworkSpec network, MaxPool2DSpec layer)
    {
        w.Line($"// Layer {layer.Number}: {layer.Describe()} {layer.Input} → {layer.Output}");
        w.Line($"{TypeNames.Kernels}.MaxPool2DForward({Rows(layer.Flow.Output)}, {ForwardInput(layer)}, rows, Geometry{layer.Number}, _workers);");
    }

    protected override void EmitBackward(SourceWriter w, NetworkSpec network, MaxPool2DSpec layer)
    {
        if (layer.Flow.InputGradient is { } inputGradient)
        {
            string call = $"{TypeNames.Kernels}.MaxPool2DBackward({Rows(inputGradient)}, {Rows(layer.Flow.OutputGradient)}, {Rows(layer.Flow.Input)}, rows, Geometry{layer.Number}, _workers";
            if (layer.InputActivation == ActivationKind.None)
            {
                w.Line($"// Layer {layer.Number}: {layer.Describe()}: each window's gradient to its first largest input");
                w.Line(call + ");");
            }
            else
            {
                w.Line($"// Layer {layer.Number}: {layer.Describe()}: each window's gradient to its first largest input, then ⊙ {DenseEmitter.DerivativeMath(layer.InputActivation, layer.InputAlpha, Math(layer.Flow.Input))}: the previous layer's derivative fused, plane by plane");
                w.Line($"{call}, {TypeNames.Activation}.{layer.InputActivation}, {Literals.Float(layer.InputAlpha)});");
            }
        }
    }

    /// <summary>The pooling's sizes as one constant.</summary>
    public static void EmitGeometry(SourceWriter w, Pool2DSpec layer)
    {
        Shape i = layer.Input, o = layer.Output;
        w.Line($"private static readonly {Geometry} Geometry{layer.Number} = new({Ints(i.Channels, i.Height, i.Width, layer.Window, layer.Stride, o.Height, o.Width)});");
    }
}
