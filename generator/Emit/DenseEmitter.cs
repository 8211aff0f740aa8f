using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>Forward and backward of one Dense layer, side by side, so their contract reads in one place.</summary>
internal static class DenseEmitter
{
    /// <summary>a_n = act(x_n·W_n + b_n), with bias and activation fused into the GEMM kernel.</summary>
    public static void EmitForward(SourceWriter w, DenseLayerSpec layer, DenseLayerSpec? previous, string layerType)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: Dense {layer.Inputs} → {layer.Outputs}{ActivationSuffix(layer)}. a{n} = {ForwardMath(layer)}");
        w.Line($"{TypeNames.Kernels}.DenseForward<{layerType}>(A{n}(rows), {ForwardInput(layer, previous)}, W{n}, {(layer.HasBias ? $"B{n}" : "default")}, rows, _workers);");
        if (layer.HasDropout)
        {
            w.Line($"// Dropout while training: d{n} = a{n} ⊙ m{n}, m{n} = 0 with probability {Literals.Float(layer.DropoutRate)}, else 1/(1 − {Literals.Float(layer.DropoutRate)})");
            w.Line($"if (training) {TypeNames.Kernels}.DropoutForward(D{n}(rows), M{n}(rows), A{n}(rows), {Literals.Float(layer.DropoutRate)}, _trainingRng);");
        }
    }

    /// <summary>
    /// From dA_n (the gradient with respect to the layer's output): dZ_n = dA_n ⊙ act′, then dW_n = x_nᵀ·dZ_n,
    /// db_n = Σ_rows dZ_n and, unless this is the first layer, dA_(n−1) = dZ_n·W_nᵀ. Every kernel overwrites its output.
    /// act′ of layer n − 1 is fused into that last product (applied to each tile in registers) unless dropout sits
    /// between the two layers (then the mask comes first and the derivative is its own call), and the last layer's act′
    /// is always its own call.
    /// </summary>
    public static void EmitBackward(SourceWriter w, DenseLayerSpec layer, DenseLayerSpec? previous, bool isLast, string layerType)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: Dense {layer.Inputs} → {layer.Outputs}{ActivationSuffix(layer)}.");
        if (layer.HasDropout)
        {
            w.Line($"// Dropout: dA{n} = dD{n} ⊙ m{n}");
            w.Line($"{TypeNames.Kernels}.DropoutBackward(DA{n}(rows), M{n}(rows));");
        }
        if (layer.Activation != ActivationKind.None && !DerivativeFusedIntoNext(layer, isLast))
        {
            w.Line($"// dZ{n} = dA{n} ⊙ {DerivativeMath(layer)} (in place, from the layer's output a{n})");
            w.Line($"{TypeNames.Kernels}.ActivationBackward(DA{n}(rows), A{n}(rows), {Activation(layer)}, {Literals.Float(layer.Alpha)});");
        }
        string dz = $"DA{n}(rows)";
        w.Line($"// dW{n} = {InputName(layer, previous)}ᵀ·dZ{n}{(layer.HasBias ? $", db{n} = Σ_rows dZ{n}" : "")}");
        w.Line($"{TypeNames.Kernels}.DenseBackwardParameters<{layerType}>(DW{n}, {(layer.HasBias ? $"DB{n}" : "default")}, {BackwardInput(layer, previous)}, {dz}, rows, _workers);");
        if (previous is null)
        {
            return;
        }
        if (previous.Activation != ActivationKind.None && DerivativeFusedIntoNext(previous, isLast: false))
        {
            w.Line($"// dZ{n - 1} = (dZ{n}·W{n}ᵀ) ⊙ {DerivativeMath(previous)}: layer {n - 1}'s derivative fused into the product");
            w.Line($"{TypeNames.Kernels}.DenseBackwardInput<{layerType}>(DA{n - 1}(rows), {dz}, W{n}, A{n - 1}(rows), rows, _workers);");
        }
        else
        {
            w.Line($"// d{(previous.HasDropout ? "D" : "A")}{n - 1} = dZ{n}·W{n}ᵀ");
            w.Line($"{TypeNames.Kernels}.DenseBackwardInput<{layerType}>(DA{n - 1}(rows), {dz}, W{n}, default, rows, _workers);");
        }
    }

    // A layer's act′ is fused into the next layer's input-gradient product when there is a next layer and no dropout mask
    // has to be applied first.
    private static bool DerivativeFusedIntoNext(DenseLayerSpec layer, bool isLast) => !isLast && !layer.HasDropout;

    // The previous layer's output, after dropout while training.
    private static string ForwardInput(DenseLayerSpec layer, DenseLayerSpec? previous) =>
        previous is null ? "x" :
        previous.HasDropout ? $"training ? D{previous.Number}(rows) : A{previous.Number}(rows)" :
        $"A{previous.Number}(rows)";

    // Backward runs only after a training forward, so a dropped layer's input is its dropout output.
    private static string BackwardInput(DenseLayerSpec layer, DenseLayerSpec? previous) =>
        previous is null ? "x" : previous.HasDropout ? $"D{previous.Number}(rows)" : $"A{previous.Number}(rows)";

    private static string InputName(DenseLayerSpec layer, DenseLayerSpec? previous) =>
        previous is null ? "x" : previous.HasDropout ? $"d{previous.Number}" : $"a{previous.Number}";

    private static string Activation(DenseLayerSpec layer) => $"{TypeNames.Activation}.{layer.Activation}";

    private static string ActivationSuffix(DenseLayerSpec layer) => layer.Activation switch
    {
        ActivationKind.None => "",
        ActivationKind.LeakyReLU => $", LeakyReLU (alpha {Literals.Float(layer.Alpha)})",
        _ => $", {layer.Activation}",
    };

    private static string ForwardMath(DenseLayerSpec layer)
    {
        int n = layer.Number;
        string affine = $"{(n == 1 ? "x" : $"a{n - 1}")}·W{n}{(layer.HasBias ? $" + b{n}" : "")}";
        return layer.Activation switch
        {
            ActivationKind.ReLU => $"max(0, {affine})",
            ActivationKind.LeakyReLU => $"z > 0 ? z : {Literals.Float(layer.Alpha)}·z, z = {affine}",
            ActivationKind.Sigmoid => $"1 / (1 + e^−z), z = {affine}",
            ActivationKind.Tanh => $"tanh({affine})",
            _ => affine,
        };
    }

    private static string DerivativeMath(DenseLayerSpec layer)
    {
        int n = layer.Number;
        return layer.Activation switch
        {
            ActivationKind.ReLU => $"[a{n} > 0]",
            ActivationKind.LeakyReLU => $"(a{n} > 0 ? 1 : {Literals.Float(layer.Alpha)})",
            ActivationKind.Sigmoid => $"a{n}(1 − a{n})",
            ActivationKind.Tanh => $"(1 − a{n}²)",
            _ => "1",
        };
    }
}
