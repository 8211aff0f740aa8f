using System.Collections.Generic;

namespace GenNet.Generator.Model;

/// <summary>
/// One layer of a network, as a value: what its attribute declared (in the derived record of its kind), and what the
/// planner added — its position, its input and output shapes, its arena slices and its links to its neighbours.
/// </summary>
/// <remarks>
/// Every derived record holds plain values only (see <see cref="NetworkSpec"/>'s caching contract). The abstract members
/// are the kind's rules, which the planner applies without knowing the kind: how it maps shapes, which slices it needs,
/// how it reads in the architecture text.
/// </remarks>
internal abstract record LayerSpec
{
    /// <summary>1-based position among the layers (the attributes between [Input] and the loss head); names its slices.</summary>
    public int Number { get; init; }

    public Shape Input { get; init; }

    public Shape Output { get; init; }

    /// <summary>This layer's slices of the arenas, planned.</summary>
    public EquatableArray<Slice> Slices { get; init; }

    public LayerFlow Flow { get; init; }

    /// <summary>The attribute's name as a user writes it, e.g. <c>Dense</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The layer works on images (channels × height × width), not flat vectors.</summary>
    public virtual bool NeedsImage => false;

    /// <summary>Why the layer cannot take <paramref name="input"/> (a window larger than the image, say), or null.</summary>
    public virtual string? Misfit(Shape input) => null;

    /// <summary>The output shape for <paramref name="input"/>, which fits.</summary>
    public abstract Shape OutputShape(Shape input);

    /// <summary>The slices the layer needs, once <see cref="Input"/> and <see cref="Output"/> are set.</summary>
    public abstract IEnumerable<SliceRequest> RequestSlices();

    /// <summary>This layer's part of the canonical architecture text, e.g. <c>Dense(512,ReLU)</c>; model files carry it.</summary>
    public abstract string Describe();

    /// <summary>The ",Act[,alpha=a]" part of a Describe() text (empty for no activation).</summary>
    protected static string ActivationText(ActivationKind activation, float alpha) =>
        (activation == ActivationKind.None ? "" : "," + activation)
        + (activation == ActivationKind.LeakyReLU ? ",alpha=" + alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "");

    /// <summary>Settings that depend on the neighbours (work fused across two layers, say), decided by the layer itself.</summary>
    public virtual LayerSpec Connect(LayerSpec? previous, LayerSpec? next) => this;

    /// <summary>The layer owns slices of the parameter arena.</summary>
    public bool HasParameters
    {
        get
        {
            foreach (SliceRequest request in RequestSlices())
            {
                if (request.Arena == ArenaKind.Parameters)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Outside training the layer passes its input on unchanged (dropout).</summary>
    public virtual bool ActsOnlyWhileTraining => false;

    /// <summary>Its forward pass does something only while training (keeping state for the backward pass, say), so the
    /// network's forward pass takes a training flag.</summary>
    public virtual bool ForwardDependsOnTraining => ActsOnlyWhileTraining;

    /// <summary>Its backward pass turns the gradient with respect to its output into the one with respect to its input in
    /// place, so it shares its input's gradient slice instead of having one of its own.</summary>
    public virtual bool BackwardInPlace => false;

    /// <summary>Its training forward pass draws from the network's training generator.</summary>
    public virtual bool DrawsRandomNumbers => false;
}
