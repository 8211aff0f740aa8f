using System.Collections.Generic;
using System.Globalization;
using GenNet.Generator.Diagnostics;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>
/// What [MaxPool2D] and [AvgPool2D] share: windows of <paramref name="Window"/> × <paramref name="Window"/> values of each
/// channel, <paramref name="Stride"/> apart; ⌊(n − window) / stride⌋ + 1 outputs across (Keras' and PyTorch's floor).
/// </summary>
internal abstract record Pool2DSpec(int Window, int Stride) : LayerSpec
{
    public override bool NeedsImage => true;

    public override string? Misfit(Shape input) => Window > input.Height || Window > input.Width
        ? $"its {Window}×{Window} window is larger than the {input.Height}×{input.Width} image"
        : null;

    public override Shape OutputShape(Shape input) =>
        Shape.Image(input.Channels, (input.Height - Window) / Stride + 1, (input.Width - Window) / Stride + 1);

    public override IEnumerable<SliceRequest> RequestSlices()
    {
        yield return new SliceRequest(ArenaKind.Activations, "A", Output.Size, IsOutput: true, $"layer {Number}'s output ({Output})");
        yield return new SliceRequest(ArenaKind.ActivationGradients, "DA", Output.Size, IsOutput: true, $"gradient with respect to layer {Number}'s output");
    }

    public override string Describe() => Kind + "(" + Window.ToString(CultureInfo.InvariantCulture)
        + (Stride == Window ? "" : ",stride=" + Stride.ToString(CultureInfo.InvariantCulture)) + ")";

    /// <summary>Reads (window, stride = window) and checks both are at least 1.</summary>
    protected static (int Window, int Stride) ReadWindow(LayerAttribute pool, in ReadContext context, List<Diagnostic> diagnostics)
    {
        int window = pool.Argument("window", 0);
        int stride = pool.Argument("stride", 0);
        stride = stride == 0 ? window : stride;
        if (window < 1)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, pool.Location, $"[{pool.Name}] layer {context.Number} window", window));
        }
        else if (stride < 1)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, pool.Location, $"[{pool.Name}] layer {context.Number} stride", stride));
        }
        return (window, stride);
    }
}
