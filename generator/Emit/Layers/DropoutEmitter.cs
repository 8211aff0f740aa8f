using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[Dropout]: masks its input while training (forward) and the gradient in place (backward).</summary>
internal sealed class DropoutEmitter : LayerEmitter<DropoutSpec>
{
    protected override string Declaration(DropoutSpec layer) => Attribute("Dropout", Literals.Float(layer.Rate));

    /// <summary>d = x ⊙ m while training, with a fresh mask m from the network's training generator; outside training the
    /// next layer reads x itself (<see cref="LayerFlow.InferenceOutput"/>), so there is nothing to do.</summary>
    protected override void EmitForward(SourceWriter w, NetworkSpec network, DropoutSpec layer)
    {
        int n = layer.Number;
        string rate = Literals.Float(layer.Rate);
        w.Line($"// Layer {n}: Dropout, while training: {Math(layer.Flow.Output)} = {Math(layer.Flow.Input)} ⊙ m{n}, m{n} = 0 with probability {rate}, else 1/(1 − {rate})");
        w.Line($"if (training) {TypeNames.Kernels}.DropoutForward({Rows(layer.Flow.Output)}, M{n}(rows), {Rows(layer.Flow.Input)}, {rate}, _trainingRng);");
    }

    /// <summary>dx = dd ⊙ m, in place: the layer shares its input's gradient slice.</summary>
    protected override void EmitBackward(SourceWriter w, NetworkSpec network, DropoutSpec layer)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: Dropout: {Math(layer.Flow.InputGradient!)} = dD{n} ⊙ m{n}, in place");
        w.Line($"{TypeNames.Kernels}.DropoutBackward({Rows(layer.Flow.InputGradient!)}, M{n}(rows));");
    }
}
