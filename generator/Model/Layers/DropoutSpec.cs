using System.Collections.Generic;
using System.Globalization;
using GenNet.Generator.Diagnostics;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>
/// [Dropout]: while training, y = x ⊙ m with m = 0 at probability <paramref name="Rate"/>, else 1/(1 − rate) (inverted
/// dropout); outside training y = x. Its backward pass masks the gradient in place.
/// </summary>
internal sealed record DropoutSpec(float Rate) : LayerSpec
{
    public override string Kind => "Dropout";

    public override bool ActsOnlyWhileTraining => true;

    public override bool BackwardInPlace => true;

    public override bool DrawsRandomNumbers => true;

    public override Shape OutputShape(Shape input) => input;

    public override IEnumerable<SliceRequest> RequestSlices()
    {
        string rate = Rate.ToString("R", CultureInfo.InvariantCulture);
        yield return new SliceRequest(ArenaKind.Activations, "D", Input.Size, IsOutput: true, $"layer {Number}'s output: dropout ({rate}) of its input");
        yield return new SliceRequest(ArenaKind.Masks, "M", Input.Size, IsOutput: false, $"layer {Number}'s dropout mask");
    }

    public override string Describe() => "Dropout(" + Rate.ToString("R", CultureInfo.InvariantCulture) + ")";

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "Dropout";

        /// <summary>A rate in (0, 1), on an attribute between two layers: it drops values of the layer above it, and
        /// a layer below must consume them (the loss head reads the last layer's output as is).</summary>
        public override LayerSpec Read(LayerAttribute dropout, in ReadContext context, List<Diagnostic> diagnostics)
        {
            // A double in the attribute (so 0.5 compiles as well as 0.5f), a float in the network.
            float rate = (float)dropout.Argument("rate", 0d);
            if (context.Previous is not { IsLayer: true } || context.Next is not { IsLayer: true })
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DropoutMisplaced, dropout.Location));
            }
            if (!(rate > 0f && rate < 1f))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidDropoutRate, dropout.Location,
                    rate.ToString("R", CultureInfo.InvariantCulture)));
            }
            return new DropoutSpec(rate);
        }
    }
}
