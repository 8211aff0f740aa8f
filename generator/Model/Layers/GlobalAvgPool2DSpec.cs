using System.Collections.Generic;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>[GlobalAvgPool2D]: the mean of each channel, C × H × W → a flat vector of C.</summary>
internal sealed record GlobalAvgPool2DSpec : LayerSpec
{
    public override string Kind => "GlobalAvgPool2D";

    public override bool NeedsImage => true;

    public override Shape OutputShape(Shape input) => Shape.Flat(input.Channels);

    public override IEnumerable<SliceRequest> RequestSlices()
    {
        yield return new SliceRequest(ArenaKind.Activations, "A", Output.Size, IsOutput: true, $"layer {Number}'s output");
        yield return new SliceRequest(ArenaKind.ActivationGradients, "DA", Output.Size, IsOutput: true, $"gradient with respect to layer {Number}'s output");
    }

    public override string Describe() => "GlobalAvgPool2D";

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "GlobalAvgPool2D";

        public override LayerSpec Read(LayerAttribute pool, in ReadContext context, List<Diagnostic> diagnostics) => new GlobalAvgPool2DSpec();
    }
}
