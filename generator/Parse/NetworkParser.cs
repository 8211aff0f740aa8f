using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GenNet.Generator.Diagnostics;
using GenNet.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenNet.Generator.Parse;

/// <summary>
/// The only code that touches symbols and attribute data: a class symbol → a <see cref="NetworkSpec"/> and the
/// diagnostics that explain why there is none. The generator keeps the spec; the analyzer reports the diagnostics.
/// </summary>
internal static class NetworkParser
{
    /// <summary>A spec (null when the declaration is invalid or not a network) and the diagnostics found.</summary>
    internal readonly record struct Result(NetworkSpec? Spec, ImmutableArray<Diagnostic> Diagnostics);

    private static readonly Result NotANetwork = new(null, ImmutableArray<Diagnostic>.Empty);

    public static Result Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        List<LayerAttribute> attributes = ReadLayerAttributes(type, cancellationToken);
        if (attributes.Count == 0)
        {
            return NotANetwork;
        }

        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        string name = type.Name;
        Location classLocation = attributes[0].Declaration.Identifier.GetLocation();

        if (!CheckClass(type, attributes, classLocation, diagnostics))
        {
            return new Result(null, diagnostics.ToImmutable());
        }

        // The order of the attributes defines the network, so it must be one list in one place.
        TypeDeclarationSyntax firstDeclaration = attributes[0].Declaration;
        LayerAttribute? elsewhere = attributes.FirstOrDefault(a => a.Declaration != firstDeclaration);
        if (elsewhere is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.LayersSplit, elsewhere.Location, name));
            return new Result(null, diagnostics.ToImmutable());
        }
        attributes.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));

        // Attributes the compiler could not bind already carry a compiler error; adding ours would be noise.
        if (attributes.Any(a => !a.IsWellFormed))
        {
            return NotANetwork;
        }

        CheckOrder(attributes, name, classLocation, diagnostics);

        LayerAttribute? input = attributes.FirstOrDefault(a => a.Kind == LayerAttributeKind.Input);
        int inputSize = input?.Argument("size", 0) ?? 0;
        if (input is not null && inputSize < 1)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, input.Location, "[Input]", inputSize));
        }

        var declared = new List<DeclaredDense>();
        for (int k = 0; k < attributes.Count; k++)
        {
            if (attributes[k].Kind == LayerAttributeKind.Dense)
            {
                declared.Add(ReadDense(attributes[k], declared.Count + 1, diagnostics));
            }
            else if (attributes[k].Kind == LayerAttributeKind.Dropout)
            {
                float rate = ReadDropout(attributes, k, diagnostics);
                if (declared.Count > 0)
                {
                    declared[declared.Count - 1] = declared[declared.Count - 1] with { DropoutRate = rate };
                }
            }
        }

        LayerAttribute? loss = attributes.FirstOrDefault(a => a.IsLoss);
        if (declared.Count == 0 && input is not null && loss is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NoDenseLayer, classLocation, name));
        }
        if (loss is { Kind: LayerAttributeKind.SoftmaxCrossEntropy } && declared.Count > 0 && declared[declared.Count - 1].Units is > 0 and < 2)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.SoftmaxTooFewOutputs, loss.Location, declared[declared.Count - 1].Units));
        }

        if (diagnostics.Count > 0 || input is null || loss is null)
        {
            return new Result(null, diagnostics.ToImmutable());
        }

        long parameters = LayoutPlanner.CountParameters(inputSize, declared);
        long perRow = LayoutPlanner.CountActivationsPerRow(declared);
        if (parameters > LayoutPlanner.MaxArenaLength || perRow > LayoutPlanner.MaxArenaLength)
        {
            string what = parameters > LayoutPlanner.MaxArenaLength ? $"{parameters} parameters" : $"{perRow} activations per sample";
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TooLarge, classLocation, name, what));
            return new Result(null, diagnostics.ToImmutable());
        }

        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        LossKind lossKind = loss.Kind == LayerAttributeKind.SoftmaxCrossEntropy ? LossKind.SoftmaxCrossEntropy : LossKind.MeanSquaredError;
        return new Result(LayoutPlanner.Plan(ns, type.Name, inputSize, declared, lossKind), ImmutableArray<Diagnostic>.Empty);
    }

    /// <summary>The GenNet layer attributes on <paramref name="type"/>, in no particular order.</summary>
    private static List<LayerAttribute> ReadLayerAttributes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var result = new List<LayerAttribute>();
        foreach (AttributeData data in type.GetAttributes())
        {
            if (data.AttributeClass is not { } attributeClass || KindOf(attributeClass) is not { } kind)
            {
                continue;
            }
            if (data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax
                && syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } declaration)
            {
                result.Add(new LayerAttribute(kind, data, syntax, declaration));
            }
        }
        return result;
    }

    /// <summary>Whether the attribute class is one of GenNet's layer attributes, and which.</summary>
    public static LayerAttributeKind? KindOf(INamedTypeSymbol attributeClass)
    {
        if (attributeClass.ContainingNamespace is not { Name: "GenNet", ContainingNamespace.IsGlobalNamespace: true })
        {
            return null;
        }
        return attributeClass.Name switch
        {
            "InputAttribute" => LayerAttributeKind.Input,
            "DenseAttribute" => LayerAttributeKind.Dense,
            "SoftmaxCrossEntropyAttribute" => LayerAttributeKind.SoftmaxCrossEntropy,
            "MeanSquaredErrorAttribute" => LayerAttributeKind.MeanSquaredError,
            "DropoutAttribute" => LayerAttributeKind.Dropout,
            _ => null,
        };
    }

    /// <summary>Partial, top-level, non-generic, non-static class: the shapes the emitter can complete.</summary>
    private static bool CheckClass(INamedTypeSymbol type, List<LayerAttribute> attributes, Location location, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        string? problem =
            type.IsRecord ? "a record" :
            type.IsStatic ? "static" :
            type.IsGenericType ? "generic" :
            type.ContainingType is not null ? "nested in another type" :
            null;
        if (problem is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedClass, location, type.Name, problem));
            return false;
        }
        foreach (LayerAttribute attribute in attributes)
        {
            if (!attribute.Declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, attribute.Declaration.Identifier.GetLocation(), type.Name));
                return false;
            }
        }
        return true;
    }

    /// <summary>Input first and once; exactly one loss head, last.</summary>
    private static void CheckOrder(List<LayerAttribute> attributes, string name, Location classLocation, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        var inputs = attributes.Where(a => a.Kind == LayerAttributeKind.Input).ToList();
        if (inputs.Count == 0)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingInput, attributes[0].Location, name));
        }
        else if (attributes[0] != inputs[0])
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InputNotFirst, inputs[0].Location, name));
        }
        foreach (LayerAttribute extra in inputs.Skip(1))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateInput, extra.Location, name));
        }

        var losses = attributes.Where(a => a.IsLoss).ToList();
        if (losses.Count == 0)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingLoss, classLocation, name));
            return;
        }
        foreach (LayerAttribute extra in losses.Skip(1))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateLoss, extra.Location, name));
        }
        if (losses.Count == 1 && attributes[attributes.Count - 1] != losses[0])
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.LossNotLast, losses[0].Location, losses[0].DisplayName));
        }
    }

    /// <summary>A dropout rate in (0, 1), on an attribute between two Dense layers.</summary>
    private static float ReadDropout(List<LayerAttribute> attributes, int index, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        LayerAttribute dropout = attributes[index];
        float rate = dropout.Argument("rate", 0f);
        bool betweenDense = index > 0 && attributes[index - 1].Kind == LayerAttributeKind.Dense
            && index + 1 < attributes.Count && attributes[index + 1].Kind == LayerAttributeKind.Dense;
        if (!betweenDense)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DropoutMisplaced, dropout.Location));
        }
        if (!(rate > 0f && rate < 1f))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidDropoutRate, dropout.Location,
                rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        }
        return rate;
    }

    private static DeclaredDense ReadDense(LayerAttribute dense, int number, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        int units = dense.Argument("units", 0);
        int activationValue = dense.Argument("activation", 0);
        bool hasBias = dense.Argument("bias", true);
        float alpha = dense.Argument("alpha", 0.01f);

        if (units < 1)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, dense.Location, $"[Dense] layer {number}", units));
        }
        ActivationKind activation = (ActivationKind)activationValue;
        if (!Enum.IsDefined(typeof(ActivationKind), activation))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidActivation, dense.Location,
                $"{activationValue} is not a member of GenNet.Activation"));
        }
        else if (activation == ActivationKind.LeakyReLU && !(alpha > 0f && !float.IsInfinity(alpha)))
        {
            // act′ is recovered from the output's sign, which needs a positive slope.
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidActivation, dense.Location,
                $"LeakyReLU alpha must be a finite number greater than 0, but is {alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"));
        }
        return new DeclaredDense(units, activation, alpha, hasBias, DropoutRate: 0f);
    }
}
