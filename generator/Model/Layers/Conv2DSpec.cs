using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using GenNet.Generator.Diagnostics;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>
/// [Conv2D]: y[f, i, j] = act(b[f] + Σ_c Σ_u Σ_v x[c, i·S + u − top, j·S + v − left] · W[f, c, u, v]), W [F × C × KH × KW].
/// </summary>
internal sealed record Conv2DSpec(int Filters, int KernelHeight, int KernelWidth, int Stride, PaddingKind Padding,
    ActivationKind Activation, float Alpha, bool HasBias) : LayerSpec
{
    public override string Kind => "Conv2D";

    /// <summary>The next layer, a max pooling, applies this layer's act′ to each plane of its input gradient as it writes
    /// it, so this layer's backward pass does not.</summary>
    public bool DerivativeFusedIntoNext { get; init; }

    /// <summary>The max pooling after this layer computes this layer's forward pass with its own
    /// (Kernels.Conv2DMaxPoolForward): each sample's output is pooled from a scratch while it is in cache and never
    /// stored, so this layer has no output slice, and the pooling keeps each window's winner for its backward pass.</summary>
    public bool PooledByNext { get; init; }

    /// <summary>A first layer pooled by the next (<see cref="PooledByNext"/>): its weight gradient builds each sample's dz
    /// from the pooling's gradient and winners as it reads it (Kernels.Conv2DBackwardParametersFromWinners), so the
    /// pooling's backward pass is this layer's, and no gradient of this layer's output is stored.</summary>
    public bool WeightGradientFromWinners { get; init; }

    public override LayerSpec Connect(LayerSpec? previous, LayerSpec? next)
    {
        bool pooled = next is MaxPool2DSpec && PoolsInForward(this);
        return this with
        {
            DerivativeFusedIntoNext = next is MaxPool2DSpec && Activation != ActivationKind.None,
            PooledByNext = pooled,
            WeightGradientFromWinners = pooled && previous is null,
        };
    }

    /// <summary>Whether a max pooling right after <paramref name="conv"/> takes over its forward pass: the pooling's
    /// backward pass from winners applies no derivative but ReLU′ (another one would need the values that lost), and a
    /// winner's offset must be an exact float (planes below 2²⁴ values).</summary>
    public static bool PoolsInForward(Conv2DSpec conv) =>
        conv.Activation is ActivationKind.None or ActivationKind.ReLU && (long)conv.Output.Height * conv.Output.Width <= 1 << 24;

    public override bool NeedsImage => true;

    /// <summary>Zero rows above the input (the smaller half of "same" padding).</summary>
    public int PadTop => Padding == PaddingKind.Same ? SamePadding(Input.Height, KernelHeight) / 2 : 0;

    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft => Padding == PaddingKind.Same ? SamePadding(Input.Width, KernelWidth) / 2 : 0;

    public override string? Misfit(Shape input) =>
        Padding == PaddingKind.Valid && (KernelHeight > input.Height || KernelWidth > input.Width)
            ? $"its {KernelHeight}×{KernelWidth} kernel is larger than the {input.Height}×{input.Width} image (valid padding; padding: Padding.Same pads it)"
            : null;

    public override Shape OutputShape(Shape input) => Shape.Image(Filters,
        OutputLength(input.Height, KernelHeight), OutputLength(input.Width, KernelWidth));

    // In 64 bits: a stride near int.MaxValue must not wrap the sums.
    private int OutputLength(int n, int kernel) =>
        (int)(Padding == PaddingKind.Same ? ((long)n + Stride - 1) / Stride : ((long)n - kernel) / Stride + 1);

    // Keras' "same": the total padding that makes the output ⌈n / stride⌉ long.
    private int SamePadding(int n, int kernel) => (int)Math.Max((OutputLength(n, kernel) - 1L) * Stride + kernel - n, 0);

    public override IEnumerable<SliceRequest> RequestSlices()
    {
        yield return new SliceRequest(ArenaKind.Parameters, "W", (long)Filters * Input.Channels * KernelHeight * KernelWidth, IsOutput: false,
            $"[{Filters} × {Input.Channels} × {KernelHeight} × {KernelWidth}]: layer {Number}'s filters");
        if (HasBias)
        {
            yield return new SliceRequest(ArenaKind.Parameters, "B", Filters, IsOutput: false, $"[{Filters}]: layer {Number}'s bias");
        }
        if (!PooledByNext)
        {
            yield return new SliceRequest(ArenaKind.Activations, "A", Output.Size, IsOutput: true, $"layer {Number}'s output ({Output})");
        }
        if (!WeightGradientFromWinners)
        {
            yield return new SliceRequest(ArenaKind.ActivationGradients, "DA", Output.Size, IsOutput: true, $"gradient with respect to layer {Number}'s output");
        }
    }

    public override string Describe()
    {
        var text = new StringBuilder("Conv2D(").Append(Filters.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(KernelHeight.ToString(CultureInfo.InvariantCulture));
        if (KernelWidth != KernelHeight)
        {
            text.Append('x').Append(KernelWidth.ToString(CultureInfo.InvariantCulture));
        }
        text.Append(ActivationText(Activation, Alpha));
        if (Stride != 1)
        {
            text.Append(",stride=").Append(Stride.ToString(CultureInfo.InvariantCulture));
        }
        if (Padding == PaddingKind.Same)
        {
            text.Append(",padding=same");
        }
        if (!HasBias)
        {
            text.Append(",bias=false");
        }
        return text.Append(')').ToString();
    }

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "Conv2D";

        public override LayerSpec Read(LayerAttribute conv, in ReadContext context, List<Diagnostic> diagnostics)
        {
            int filters = conv.Argument("filters", 0);
            int kernel = conv.Argument("kernel", 0);
            int kernelHeight = conv.Argument("kernelHeight", kernel);
            int kernelWidth = conv.Argument("kernelWidth", kernel);
            int stride = conv.Argument("stride", 1);
            int paddingValue = conv.Argument("padding", 0);
            bool hasBias = conv.Argument("bias", true);
            float alpha = conv.Argument("alpha", 0.01f);
            string layer = $"[Conv2D] layer {context.Number}";
            foreach ((string what, int value) in new[] { ("filters", filters), ("kernel height", kernelHeight), ("kernel width", kernelWidth), ("stride", stride) })
            {
                if (value < 1)
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, conv.Location, $"{layer} {what}", value));
                }
            }
            var padding = (PaddingKind)paddingValue;
            if (!Enum.IsDefined(typeof(PaddingKind), padding))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidPadding, conv.Location, paddingValue));
            }
            ActivationKind activation = LayerReader.ReadActivation(conv, alpha, diagnostics);
            return new Conv2DSpec(filters, kernelHeight, kernelWidth, stride, padding, activation,
                activation == ActivationKind.LeakyReLU ? alpha : 0f, hasBias);
        }
    }
}
