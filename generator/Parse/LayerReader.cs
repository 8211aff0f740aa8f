using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using GenNet.Generator.Diagnostics;
using System.Linq;
using GenNet.Generator.Model;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Parse;

/// <summary>Reads one kind of layer attribute into its <see cref="LayerSpec"/>, reporting what is wrong with its arguments.</summary>
/// <remarks>
/// Each layer kind declares its reader next to its spec (Model/Layers); <see cref="ByName"/> finds them all, so adding a
/// kind adds no line here or in the parser.
/// </remarks>
internal abstract class LayerReader
{
    /// <summary>Every reader in this assembly, by the attribute name it reads.</summary>
    public static readonly ImmutableDictionary<string, LayerReader> ByName = typeof(LayerReader).Assembly.GetTypes()
        .Where(static t => t.IsSubclassOf(typeof(LayerReader)) && !t.IsAbstract)
        .Select(static t => (LayerReader)Activator.CreateInstance(t, nonPublic: true))
        .ToImmutableDictionary(static r => r.AttributeName, StringComparer.Ordinal);

    /// <summary>The attribute's name as a user writes it, e.g. <c>Dense</c> for <c>GenNet.DenseAttribute</c>.</summary>
    public abstract string AttributeName { get; }

    /// <summary>
    /// The declared layer: its kind's settings only (the planner adds shapes, slices and links). Argument errors go to
    /// <paramref name="diagnostics"/> at the attribute.
    /// </summary>
    public abstract LayerSpec Read(LayerAttribute attribute, in ReadContext context, List<Diagnostic> diagnostics);

    /// <summary>The attribute's <c>activation</c>, checked: a defined value, and for LeakyReLU a finite slope above 0
    /// (act′ is recovered from the output's sign, which needs a positive slope).</summary>
    public static ActivationKind ReadActivation(LayerAttribute attribute, float alpha, List<Diagnostic> diagnostics)
    {
        int value = attribute.Argument("activation", 0);
        var activation = (ActivationKind)value;
        if (!Enum.IsDefined(typeof(ActivationKind), activation))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidActivation, attribute.Location, $"{value} is not a member of GenNet.Activation"));
        }
        else if (activation == ActivationKind.LeakyReLU && !(alpha > 0f && !float.IsInfinity(alpha)))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidActivation, attribute.Location,
                $"LeakyReLU alpha must be a finite number greater than 0, but is {alpha.ToString("R", CultureInfo.InvariantCulture)}"));
        }
        return activation;
    }
}

/// <summary>Where an attribute stands: its layer number and its neighbours in source order (null at either end).</summary>
internal readonly record struct ReadContext(int Number, LayerAttribute? Previous, LayerAttribute? Next);
