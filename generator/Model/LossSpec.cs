using System;
using System.Collections.Immutable;
using System.Linq;

namespace GenNet.Generator.Model;

/// <summary>
/// The loss head that closes a network, as a value: one sealed record per kind (Model/Losses). It reads the last layer's
/// output and decides the class's training API, so it is not one of the layers.
/// </summary>
internal abstract record LossSpec
{
    /// <summary>Every loss head in this assembly, by the attribute name it stands for: adding one adds no line elsewhere.</summary>
    public static readonly ImmutableDictionary<string, LossSpec> ByName = typeof(LossSpec).Assembly.GetTypes()
        .Where(static t => t.IsSubclassOf(typeof(LossSpec)) && !t.IsAbstract)
        .Select(static t => (LossSpec)Activator.CreateInstance(t, nonPublic: true))
        .ToImmutableDictionary(static l => l.Kind, StringComparer.Ordinal);

    /// <summary>The attribute's name as a user writes it, e.g. <c>SoftmaxCrossEntropy</c>; also the runtime's LossKind member.</summary>
    public abstract string Kind { get; }

    /// <summary>Fewest outputs the last layer may have (GNN0009 below it).</summary>
    public virtual int MinimumOutputs => 1;
}
