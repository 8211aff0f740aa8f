using System;
using System.Collections.Immutable;
using System.Linq;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>
/// The code of one layer kind: its weight initialisation, its forward and backward passes side by side, and any types it
/// needs beside the network class. <see cref="NetworkEmitter"/> calls these for each layer, in order for forward and in
/// reverse for backward, and knows no kind by name.
/// </summary>
/// <remarks>
/// Contract of the passes: a layer reads <see cref="LayerFlow.Input"/> and writes its output slices; backward, it reads
/// the gradient with respect to its output (<see cref="LayerFlow.OutputGradient"/>), overwrites (=) its parameter
/// gradients and, unless it is the first layer, overwrites <see cref="LayerFlow.InputGradient"/>.
/// </remarks>
internal abstract class LayerEmitter
{
    private static readonly ImmutableDictionary<Type, LayerEmitter> s_bySpec = typeof(LayerEmitter).Assembly.GetTypes()
        .Where(static t => t.IsSubclassOf(typeof(LayerEmitter)) && !t.IsAbstract && !t.IsGenericTypeDefinition)
        .Select(static t => (LayerEmitter)Activator.CreateInstance(t, nonPublic: true))
        .ToImmutableDictionary(static e => e.SpecType);

    /// <summary>The emitter of <paramref name="layer"/>'s kind.</summary>
    public static LayerEmitter For(LayerSpec layer) => s_bySpec[layer.GetType()];

    /// <summary>The spec record this emitter writes.</summary>
    protected abstract Type SpecType { get; }

    /// <summary>The layer's attribute as a C# expression, every argument given: the declaration the network's
    /// description carries.</summary>
    public abstract string Declaration(LayerSpec layer);

    /// <summary>Constructor code after the arenas exist: draws the layer's initial parameters from <c>rng</c>.</summary>
    public virtual void EmitInit(SourceWriter w, NetworkSpec network, LayerSpec layer)
    {
    }

    /// <summary>The forward pass over <c>rows</c> samples; <c>training</c> is in scope when the network has a training mode.</summary>
    public abstract void EmitForward(SourceWriter w, NetworkSpec network, LayerSpec layer);

    /// <summary>The backward pass over <c>rows</c> samples, after a training forward pass.</summary>
    public abstract void EmitBackward(SourceWriter w, NetworkSpec network, LayerSpec layer);

    /// <summary>Members of the network class the passes use (the layer's sizes as a constant, say).</summary>
    public virtual void EmitMembers(SourceWriter w, NetworkSpec network, LayerSpec layer)
    {
    }

    /// <summary>Types of this layer beside the network class (its register tiles, say).</summary>
    public virtual void EmitTypes(SourceWriter w, NetworkSpec network, LayerSpec layer)
    {
    }

    /// <summary>Types all layers of this kind share, written once per network after every layer's own.</summary>
    public virtual void EmitSharedTypes(SourceWriter w, NetworkSpec network)
    {
    }

    /// <summary>The slice or input called <paramref name="name"/> as an expression over the batch's rows.</summary>
    protected static string Rows(string name) => name == LayerFlow.NetworkInput ? name : name + "(rows)";

    /// <summary>The layer's input during the forward pass: a choice on <c>training</c> when a layer before acts only then.</summary>
    protected static string ForwardInput(LayerSpec layer) => layer.Flow.Input == layer.Flow.InferenceInput
        ? Rows(layer.Flow.Input)
        : $"training ? {Rows(layer.Flow.Input)} : {Rows(layer.Flow.InferenceInput)}";

    /// <summary>An attribute of GenNet's, constructed with <paramref name="arguments"/>.</summary>
    protected static string Attribute(string name, params string[] arguments) => $"new global::GenNet.{name}Attribute({string.Join(", ", arguments)})";

    /// <summary>An activation as an argument.</summary>
    protected static string ActivationArgument(ActivationKind activation) => $"{TypeNames.Activation}.{activation}";

    /// <summary>A bool as an argument.</summary>
    protected static string Bool(bool value) => value ? "true" : "false";

    /// <summary>Integer literals separated by commas, as arguments.</summary>
    protected static string Ints(params int[] values) => string.Join(", ", System.Array.ConvertAll(values, Literals.Int));

    /// <summary>The lower-case name comments give a value, e.g. a1 for A1(rows).</summary>
    protected static string Math(string name) => name.ToLowerInvariant();
}

/// <summary>A <see cref="LayerEmitter"/> typed by its spec record.</summary>
internal abstract class LayerEmitter<TSpec> : LayerEmitter where TSpec : LayerSpec
{
    protected sealed override Type SpecType => typeof(TSpec);

    public sealed override string Declaration(LayerSpec layer) => Declaration((TSpec)layer);

    public sealed override void EmitInit(SourceWriter w, NetworkSpec network, LayerSpec layer) => EmitInit(w, network, (TSpec)layer);

    public sealed override void EmitForward(SourceWriter w, NetworkSpec network, LayerSpec layer) => EmitForward(w, network, (TSpec)layer);

    public sealed override void EmitBackward(SourceWriter w, NetworkSpec network, LayerSpec layer) => EmitBackward(w, network, (TSpec)layer);

    public sealed override void EmitMembers(SourceWriter w, NetworkSpec network, LayerSpec layer) => EmitMembers(w, network, (TSpec)layer);

    public sealed override void EmitTypes(SourceWriter w, NetworkSpec network, LayerSpec layer) => EmitTypes(w, network, (TSpec)layer);

    protected abstract string Declaration(TSpec layer);

    protected virtual void EmitInit(SourceWriter w, NetworkSpec network, TSpec layer)
    {
    }

    protected abstract void EmitForward(SourceWriter w, NetworkSpec network, TSpec layer);

    protected abstract void EmitBackward(SourceWriter w, NetworkSpec network, TSpec layer);

    protected virtual void EmitMembers(SourceWriter w, NetworkSpec network, TSpec layer)
    {
    }

    protected virtual void EmitTypes(SourceWriter w, NetworkSpec network, TSpec layer)
    {
    }
}
