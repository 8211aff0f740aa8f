using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using GenNet.Generator.Diagnostics;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>
/// [Dense]: a fully connected layer y = act(x·W + b), W [I × O] row-major; a spatial input is read flat (CHW order).
/// </summary>
/// <param name="Units">O: number of units.</param>
/// <param name="Activation">Fused element-wise activation.</param>
/// <param name="Alpha">LeakyReLU's negative slope (0 for other activations, so it does not affect equality).</param>
/// <param name="HasBias">Whether the layer owns a bias vector.</param>
internal sealed record DenseSpec(int Units, ActivationKind Activation, float Alpha, bool HasBias) : LayerSpec
{
    /// <summary>I: width of the (flattened) input.</summary>
    public int Inputs => (int)Input.Size;

    /// <summary>O: width of the output.</summary>
    public int Outputs => Units;

    /// <summary>The activation whose derivative this layer's input-gradient product applies: the previous layer's when
    /// that is a Dense layer (its act′ is fused here, in registers), else None.</summary>
    public ActivationKind InputActivation { get; init; }

    /// <summary>LeakyReLU's slope for <see cref="InputActivation"/>.</summary>
    public float InputAlpha { get; init; }

    /// <summary>The next layer's input-gradient product applies this layer's act′, so its own backward pass does not.</summary>
    public bool DerivativeFusedIntoNext { get; init; }

    public override string Kind => "Dense";

    public override Shape OutputShape(Shape input) => Shape.Flat(Units);

    public override IEnumerable<SliceRequest> RequestSlices()
    {
        yield return new SliceRequest(ArenaKind.Parameters, "W", Input.Size * Units, IsOutput: false,
            $"[{Inputs} × {Units}], row-major: layer {Number}'s weights");
        if (HasBias)
        {
            yield return new SliceRequest(ArenaKind.Parameters, "B", Units, IsOutput: false, $"[{Units}]: layer {Number}'s bias");
        }
        yield return new SliceRequest(ArenaKind.Activations, "A", Units, IsOutput: true, $"layer {Number}'s output");
        yield return new SliceRequest(ArenaKind.ActivationGradients, "DA", Units, IsOutput: true, $"gradient with respect to layer {Number}'s output");
    }

    public override LayerSpec Connect(LayerSpec? previous, LayerSpec? next)
    {
        // Two Dense layers in a row: the second's input-gradient product applies the first's act′ to each tile in registers.
        DenseSpec connected = this with { DerivativeFusedIntoNext = next is DenseSpec && Activation != ActivationKind.None };
        return previous is DenseSpec { Activation: not ActivationKind.None } before
            ? connected with { InputActivation = before.Activation, InputAlpha = before.Alpha }
            : connected;
    }

    public override string Describe()
    {
        var text = new StringBuilder("Dense(").Append(Units.ToString(CultureInfo.InvariantCulture));
        text.Append(ActivationText(Activation, Alpha));
        if (!HasBias)
        {
            text.Append(",bias=false");
        }
        return text.Append(')').ToString();
    }

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "Dense";

        public override LayerSpec Read(LayerAttribute dense, in ReadContext context, List<Diagnostic> diagnostics)
        {
            int units = dense.Argument("units", 0);
            bool hasBias = dense.Argument("bias", true);
            float alpha = dense.Argument("alpha", 0.01f);

            if (units < 1)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, dense.Location, $"[Dense] layer {context.Number} size", units));
            }
            ActivationKind activation = ReadActivation(dense, alpha, diagnostics);
            return new DenseSpec(units, activation, activation == ActivationKind.LeakyReLU ? alpha : 0f, hasBias);
        }
    }
}
