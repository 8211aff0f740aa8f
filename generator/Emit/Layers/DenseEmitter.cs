using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[Dense]: initialisation, forward and backward side by side, so their contract reads in one place.</summary>
internal sealed class DenseEmitter : LayerEmitter<DenseSpec>
{
    protected override string Declaration(DenseSpec layer) => Attribute("Dense", Literals.Int(layer.Units),
        ActivationArgument(layer.Activation), Bool(layer.HasBias), Literals.Float(layer.Activation == ActivationKind.LeakyReLU ? layer.Alpha : 0.01f));

    /// <summary>He uniform before the ReLU family, Glorot uniform otherwise; biases stay zero.</summary>
    protected override void EmitInit(SourceWriter w, NetworkSpec network, DenseSpec layer)
    {
        int n = layer.Number;
        w.Line(layer.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU
            ? $"{TypeNames.Initializers}.HeUniform(W{n}, {Literals.Int(layer.Inputs)}, rng);"
            : $"{TypeNames.Initializers}.GlorotUniform(W{n}, {Literals.Int(layer.Inputs)}, {Literals.Int(layer.Outputs)}, rng);");
    }

    /// <summary>a_n = act(x_n·W_n + b_n), with bias and activation fused into the GEMM kernel.</summary>
    protected override void EmitForward(SourceWriter w, NetworkSpec network, DenseSpec layer)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: Dense {layer.Inputs} → {layer.Outputs}{ActivationSuffix(layer)}. {Math(layer.Flow.Output)} = {ForwardMath(layer)}");
        w.Line($"{TypeNames.Kernels}.DenseForward<{DenseTileEmitter.TypeName(network, layer)}>({Rows(layer.Flow.Output)}, {ForwardInput(layer)}, W{n}, {(layer.HasBias ? $"B{n}" : "default")}, rows, _workers);");
    }

    /// <summary>
    /// From dA_n (the gradient with respect to the layer's output): dZ_n = dA_n ⊙ act′, then dW_n = x_nᵀ·dZ_n,
    /// db_n = Σ_rows dZ_n and, unless this is the first layer, dx_n = dZ_n·W_nᵀ. Every kernel overwrites its output.
    /// When the next layer is Dense too, this layer's act′ is fused into that layer's input-gradient product (applied to
    /// each tile in registers); otherwise (the last layer, or dropout next) it is its own call here.
    /// </summary>
    protected override void EmitBackward(SourceWriter w, NetworkSpec network, DenseSpec layer)
    {
        int n = layer.Number;
        string type = DenseTileEmitter.TypeName(network, layer);
        string output = layer.Flow.Output, dz = Rows(layer.Flow.OutputGradient);
        w.Line($"// Layer {n}: Dense {layer.Inputs} → {layer.Outputs}{ActivationSuffix(layer)}.");
        if (layer.Activation != ActivationKind.None && !layer.DerivativeFusedIntoNext)
        {
            w.Line($"// dZ{n} = dA{n} ⊙ {DerivativeMath(layer.Activation, layer.Alpha, Math(output))} (in place, from the layer's output {Math(output)})");
            w.Line($"{TypeNames.Kernels}.ActivationBackward({dz}, {Rows(output)}, {TypeNames.Activation}.{layer.Activation}, {Literals.Float(layer.Alpha)});");
        }
        w.Line($"// dW{n} = {Math(layer.Flow.Input)}ᵀ·dZ{n}{(layer.HasBias ? $", db{n} = Σ_rows dZ{n}" : "")}");
        w.Line($"{TypeNames.Kernels}.DenseBackwardParameters<{type}>(DW{n}, {(layer.HasBias ? $"DB{n}" : "default")}, {Rows(layer.Flow.Input)}, {dz}, rows, _workers);");
        if (layer.Flow.InputGradient is not { } inputGradient)
        {
            return;
        }
        if (layer.InputActivation != ActivationKind.None)
        {
            w.Line($"// {Math(inputGradient)} = (dZ{n}·W{n}ᵀ) ⊙ {DerivativeMath(layer.InputActivation, layer.InputAlpha, Math(layer.Flow.Input))}: the previous layer's derivative fused into the product");
            w.Line($"{TypeNames.Kernels}.DenseBackwardInput<{type}>({Rows(inputGradient)}, {dz}, W{n}, {Rows(layer.Flow.Input)}, rows, _workers);");
        }
        else
        {
            w.Line($"// {Math(inputGradient)} = dZ{n}·W{n}ᵀ");
            w.Line($"{TypeNames.Kernels}.DenseBackwardInput<{type}>({Rows(inputGradient)}, {dz}, W{n}, default, rows, _workers);");
        }
    }

    /// <summary>The layer's constants and register tiles, as a struct nested in the network class (tests and benchmarks
    /// can name it, e.g. MnistMlp.Layer1).</summary>
    protected override void EmitMembers(SourceWriter w, NetworkSpec network, DenseSpec layer)
    {
        w.Line();
        DenseTileEmitter.EmitLayer(w, network, layer);
    }

    public override void EmitSharedTypes(SourceWriter w, NetworkSpec network)
    {
        w.Line();
        DenseTileEmitter.EmitMath(w, network);
    }

    private static string ActivationSuffix(DenseSpec layer) => layer.Activation switch
    {
        ActivationKind.None => "",
        ActivationKind.LeakyReLU => $", LeakyReLU (alpha {Literals.Float(layer.Alpha)})",
        _ => $", {layer.Activation}",
    };

    private static string ForwardMath(DenseSpec layer)
    {
        int n = layer.Number;
        string affine = $"{Math(layer.Flow.InferenceInput)}·W{n}{(layer.HasBias ? $" + b{n}" : "")}";
        return layer.Activation switch
        {
            ActivationKind.ReLU => $"max(0, {affine})",
            ActivationKind.LeakyReLU => $"z > 0 ? z : {Literals.Float(layer.Alpha)}·z, z = {affine}",
            ActivationKind.Sigmoid => $"1 / (1 + e^−z), z = {affine}",
            ActivationKind.Tanh => $"tanh({affine})",
            _ => affine,
        };
    }

    /// <summary>act′ written from the activation's output <paramref name="y"/>.</summary>
    public static string DerivativeMath(ActivationKind activation, float alpha, string y) => activation switch
    {
        ActivationKind.ReLU => $"[{y} > 0]",
        ActivationKind.LeakyReLU => $"({y} > 0 ? 1 : {Literals.Float(alpha)})",
        ActivationKind.Sigmoid => $"{y}(1 − {y})",
        ActivationKind.Tanh => $"(1 − {y}²)",
        _ => "1",
    };
}
