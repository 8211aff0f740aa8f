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
        int n = layer.Number, c = layer.FusedConvolution;
        w.Line($"// Layer {n}: {layer.Describe()} {layer.Input} → {layer.Output}");
        if (c == 0)
        {
            w.Line($"{TypeNames.Kernels}.MaxPool2DForward({Rows(layer.Flow.Output)}, {ForwardInput(layer)}, rows, Geometry{n}, _workers);");
            return;
        }
        w.Line($"// with layer {c}'s convolution: each sample's output pooled while in cache, and while training each window's winner kept in I{n}");
        w.Line($"{TypeNames.Kernels}.Conv2DMaxPoolForward<Layer{c}>({Rows(layer.Flow.Output)}, training ? I{n}(rows) : default, {ForwardInput(layer)}, W{c}, {(layer.FusedConvolutionHasBias ? $"B{c}" : "default")}, rows, Geometry{c}, Geometry{n}, _workers);");
    }

    protected override void EmitBackward(SourceWriter w, NetworkSpec network, MaxPool2DSpec layer)
    {
        if (layer.BackwardInConvolution)
        {
            w.Line($"// Layer {layer.Number}: {layer.Describe()}: its gradient goes to each window's winner (I{layer.Number}) in layer {layer.FusedConvolution}'s weight gradient, sample by sample");
            return;
        }
        if (layer.FusedConvolution != 0 && layer.Flow.InputGradient is { } toConvolution)
        {
            w.Line($"// Layer {layer.Number}: {layer.Describe()}: each window's gradient to its winner (I{layer.Number}){(layer.InputActivation == ActivationKind.ReLU ? $", times ReLU′ of the window's value {Math(layer.Flow.Output)}" : "")}");
            w.Line($"{TypeNames.Kernels}.MaxPool2DBackwardFromWinners({Rows(toConvolution)}, {Rows(layer.Flow.OutputGradient)}, {Rows(layer.Flow.Output)}, I{layer.Number}(rows), rows, Geometry{layer.Number}, _workers, {TypeNames.Activation}.{layer.InputActivation});");
            return;
        }
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
