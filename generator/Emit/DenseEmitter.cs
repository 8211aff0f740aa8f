using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>Forward and backward of one Dense layer, side by side, so their contract reads in one place.</summary>
internal static class DenseEmitter
{
    /// <summary>a_n = act(x_n·W_n + b_n), with bias and activation fused into the GEMM kernel.</summary>
    public static void EmitForward(SourceWriter w, DenseLayerSpec layer)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: Dense {layer.Inputs} → {layer.Outputs}{ActivationSuffix(layer)}. a{n} = {ForwardMath(layer)}");
        w.Line($"{TypeNames.Kernels}.DenseForward(A{n}(rows), {Input(layer)}, W{n}, {(layer.HasBias ? $"B{n}" : "default")}, rows, {Literals.Int(layer.Inputs)}, {Literals.Int(layer.Outputs)}, {Activation(layer)}, {Literals.Float(layer.Alpha)}, _workers);");
    }

    /// <summary>
    /// From dA_n (the gradient with respect to the layer's output): dZ_n = dA_n ⊙ act′ in place, then
    /// dW_n += x_nᵀ·dZ_n, db_n += Σ_rows dZ_n and, unless this is the first layer, dA_(n−1) = dZ_n·W_nᵀ.
    /// </summary>
    public static void EmitBackward(SourceWriter w, DenseLayerSpec layer)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: Dense {layer.Inputs} → {layer.Outputs}{ActivationSuffix(layer)}.");
        if (layer.Activation != ActivationKind.None)
        {
            w.Line($"// dZ{n} = dA{n} ⊙ {DerivativeMath(layer)} (in place, from the layer's output a{n})");
            w.Line($"{TypeNames.Kernels}.ActivationBackward(DA{n}(rows), A{n}(rows), {Activation(layer)}, {Literals.Float(layer.Alpha)});");
        }
        string dz = $"DA{n}(rows)";
        w.Line($"// dW{n} += {(n == 1 ? "x" : $"a{n - 1}")}ᵀ·dZ{n}{(layer.HasBias ? $", db{n} += Σ_rows dZ{n}" : "")}");
        w.Line($"{TypeNames.Kernels}.DenseBackwardParameters(DW{n}, {(layer.HasBias ? $"DB{n}" : "default")}, {Input(layer)}, {dz}, rows, {Literals.Int(layer.Inputs)}, {Literals.Int(layer.Outputs)}, _workers);");
        if (n > 1)
        {
            w.Line($"// dA{n - 1} = dZ{n}·W{n}ᵀ");
            w.Line($"{TypeNames.Kernels}.DenseBackwardInput(DA{n - 1}(rows), {dz}, W{n}, rows, {Literals.Int(layer.Inputs)}, {Literals.Int(layer.Outputs)}, _workers);");
        }
    }

    private static string Input(DenseLayerSpec layer) => layer.Number == 1 ? "x" : $"A{layer.Number - 1}(rows)";

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
