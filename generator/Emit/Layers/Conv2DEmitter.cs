using System.Linq;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[Conv2D]: initialisation, forward and backward side by side. The runtime runs the convolution as the three
/// products of a Dense layer over each sample's patches (Kernels.Conv2D.cs), on register tiles this emitter writes for
/// the layer with K = C·KH·KW and F as constants (DenseTileEmitter), with the rest of the layer's sizes as one constant
/// geometry.</summary>
internal sealed class Conv2DEmitter : LayerEmitter<Conv2DSpec>
{
    private const string Geometry = "global::GenNet.Conv2DGeometry";

    protected override string Declaration(Conv2DSpec layer) => Attribute("Conv2D", Ints(layer.Filters, layer.KernelHeight, layer.KernelWidth),
        ActivationArgument(layer.Activation), Literals.Int(layer.Stride), $"global::GenNet.Padding.{layer.Padding}", Bool(layer.HasBias),
        Literals.Float(layer.Activation == ActivationKind.LeakyReLU ? layer.Alpha : 0.01f));

    /// <summary>He uniform before the ReLU family, Glorot uniform otherwise, on the kernel's fan-in C·KH·KW and fan-out
    /// F·KH·KW; biases stay zero.</summary>
    protected override void EmitInit(SourceWriter w, NetworkSpec network, Conv2DSpec layer)
    {
        int taps = layer.KernelHeight * layer.KernelWidth;
        string fanIn = Literals.Int(layer.Input.Channels * taps), fanOut = Literals.Int(layer.Filters * taps);
        w.Line(layer.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU
            ? $"{TypeNames.Initializers}.HeUniform(W{layer.Number}, {fanIn}, rng);"
            : $"{TypeNames.Initializers}.GlorotUniform(W{layer.Number}, {fanIn}, {fanOut}, rng);");
    }

    protected override void EmitMembers(SourceWriter w, NetworkSpec network, Conv2DSpec layer)
    {
        Shape i = layer.Input, o = layer.Output;
        w.Line($"private static readonly {Geometry} Geometry{layer.Number} = new({Ints(i.Channels, i.Height, i.Width, layer.Filters, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.PadTop, layer.PadLeft, o.Height, o.Width)});");
        w.Line();
        DenseTileEmitter.EmitLayer(w, network, Patches(layer), "Conv2D over patches,", (o.Height * o.Width, "output positions"));
    }

    /// <summary>The tile helpers, once per network: here only when no Dense layer writes them.</summary>
    public override void EmitSharedTypes(SourceWriter w, NetworkSpec network)
    {
        if (!network.Layers.Any(l => l is DenseSpec))
        {
            w.Line();
            DenseTileEmitter.EmitMath(w, network);
        }
    }

    /// <summary>The layer's product over patches as a Dense layer: K = C·KH·KW inputs, F units, its bias and activation
    /// (the activation's derivative is applied on its own, never fused into the product).</summary>
    private static DenseSpec Patches(Conv2DSpec layer) => new(layer.Filters, layer.Activation, layer.Alpha, layer.HasBias)
    {
        Number = layer.Number,
        Input = Shape.Flat(layer.Input.Channels * layer.KernelHeight * layer.KernelWidth),
        Output = Shape.Flat(layer.Filters),
        Flow = layer.Flow,
    };

    /// <summary>a_n = act(conv(x_n, W_n) + b_n), activation applied per plane after the sums.</summary>
    protected override void EmitForward(SourceWriter w, NetworkSpec network, Conv2DSpec layer)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: {layer.Describe()} {layer.Input} → {layer.Output}, pad top {layer.PadTop}, left {layer.PadLeft}");
        if (layer.PooledByNext)
        {
            w.Line($"// computed by layer {n + 1}'s max pooling, with its own forward pass");
            return;
        }
        w.Line($"{TypeNames.Kernels}.Conv2DForward<Layer{n}>({Rows(layer.Flow.Output)}, {ForwardInput(layer)}, W{n}, {(layer.HasBias ? $"B{n}" : "default")}, rows, Geometry{n}, _workers);");
    }

    /// <summary>dZ_n = dA_n ⊙ act′ (in place), dW_n and db_n from x_n and dZ_n, and dx_n unless this is the first layer.</summary>
    protected override void EmitBackward(SourceWriter w, NetworkSpec network, Conv2DSpec layer)
    {
        int n = layer.Number;
        w.Line($"// Layer {n}: {layer.Describe()}.");
        if (layer.WeightGradientFromWinners)
        {
            // A first layer pooled by the next: dZ is built per sample from the pooling's gradient, never stored.
            LayerFlow pool = network.Layers[n].Flow;
            w.Line($"// dZ{n}, sample by sample as dW{n} reads it: layer {n + 1}'s gradient {Math(pool.OutputGradient)} at each window's winner (I{n + 1}){(layer.Activation == ActivationKind.ReLU ? $", times ReLU′ of the window's value {Math(pool.Output)}" : "")}");
            w.Line($"// dW{n} = Σ_rows {Math(layer.Flow.Input)} ⋆ dZ{n} (each filter tap's correlation){(layer.HasBias ? $", db{n} = Σ_rows,pixels dZ{n}" : "")}");
            w.Line($"{TypeNames.Kernels}.Conv2DBackwardParametersFromWinners<Layer{n}>(DW{n}, {(layer.HasBias ? $"DB{n}" : "default")}, {Rows(layer.Flow.Input)}, {Rows(pool.OutputGradient)}, {Rows(pool.Output)}, I{n + 1}(rows), rows, Geometry{n}, Geometry{n + 1}, _workers);");
            return;
        }
        string dz = Rows(layer.Flow.OutputGradient);
        if (layer.DerivativeFusedIntoNext)
        {
            // Pooled by the next layer, this layer has no output slice: the pooling takes ReLU′ from the values it kept.
            string derivative = layer.PooledByNext ? "ReLU′" : DenseEmitter.DerivativeMath(layer.Activation, layer.Alpha, Math(layer.Flow.Output));
            w.Line($"// dZ{n} = dA{n}: the max pooling after this layer applied {derivative} as it wrote dA{n}");
        }
        else if (layer.Activation != ActivationKind.None)
        {
            w.Line($"// dZ{n} = dA{n} ⊙ {DenseEmitter.DerivativeMath(layer.Activation, layer.Alpha, Math(layer.Flow.Output))} (in place)");
            w.Line($"{TypeNames.Kernels}.ActivationBackward({dz}, {Rows(layer.Flow.Output)}, {TypeNames.Activation}.{layer.Activation}, {Literals.Float(layer.Alpha)});");
        }
        w.Line($"// dW{n} = Σ_rows {Math(layer.Flow.Input)} ⋆ dZ{n} (each filter tap's correlation){(layer.HasBias ? $", db{n} = Σ_rows,pixels dZ{n}" : "")}");
        w.Line($"{TypeNames.Kernels}.Conv2DBackwardParameters<Layer{n}>(DW{n}, {(layer.HasBias ? $"DB{n}" : "default")}, {Rows(layer.Flow.Input)}, {dz}, rows, Geometry{n}, _workers);");
        if (layer.Flow.InputGradient is { } inputGradient)
        {
            w.Line($"// {Math(inputGradient)} = dZ{n} convolved back through W{n} (the transposed convolution)");
            w.Line($"{TypeNames.Kernels}.Conv2DBackwardInput<Layer{n}>({Rows(inputGradient)}, {dz}, W{n}, rows, Geometry{n}, _workers);");
        }
    }
}
