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

        var diagnostics = new List<Diagnostic>();
        string name = type.Name;
        Location classLocation = attributes[0].Declaration.Identifier.GetLocation();

        if (!CheckClass(type, attributes, classLocation, diagnostics))
        {
            return new Result(null, diagnostics.ToImmutableArray());
        }

        // The order of the attributes defines the network, so it must be one list in one place.
        TypeDeclarationSyntax firstDeclaration = attributes[0].Declaration;
        LayerAttribute? elsewhere = attributes.FirstOrDefault(a => a.Declaration != firstDeclaration);
        if (elsewhere is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.LayersSplit, elsewhere.Location, name));
            return new Result(null, diagnostics.ToImmutableArray());
        }
        attributes.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));

        // Attributes the compiler could not bind already carry a compiler error; adding ours would be noise.
        if (attributes.Any(a => !a.IsWellFormed))
        {
            return NotANetwork;
        }

        CheckOrder(attributes, name, classLocation, diagnostics);

        LayerAttribute? input = attributes.FirstOrDefault(a => a.IsInput);
        Shape inputShape = input is null ? default : ReadInput(input, diagnostics);

        var declared = new List<DeclaredLayer>();
        for (int k = 0; k < attributes.Count; k++)
        {
            if (attributes[k].IsLayer)
            {
                var context = new ReadContext(declared.Count + 1, k > 0 ? attributes[k - 1] : null, k + 1 < attributes.Count ? attributes[k + 1] : null);
                declared.Add(new DeclaredLayer(LayerReader.ByName[attributes[k].Name].Read(attributes[k], context, diagnostics), attributes[k].Location));
            }
        }

        LayerAttribute? loss = attributes.FirstOrDefault(a => a.IsLoss);
        if (input is not null && loss is not null && declared.All(static d => !d.Spec.HasParameters))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NoTrainableLayer, classLocation, name));
        }

        if (diagnostics.Count > 0 || input is null || loss is null)
        {
            return new Result(null, diagnostics.ToImmutableArray());
        }

        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        NetworkSpec? spec = LayoutPlanner.Plan(ns, type.Name, inputShape, declared, LossSpec.ByName[loss.Name], classLocation, loss.Location, diagnostics);
        return new Result(spec, diagnostics.ToImmutableArray());
    }

    /// <summary>[Input(size)] is flat; [Input(channels, height, width)] an image. Each size at least 1.</summary>
    private static Shape ReadInput(LayerAttribute input, List<Diagnostic> diagnostics)
    {
        if (input.Data.AttributeConstructor?.Parameters.Length == 1)
        {
            int size = input.Argument("size", 0);
            if (size < 1)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, input.Location, "[Input] size", size));
            }
            return Shape.Flat(size);
        }
        var image = Shape.Image(input.Argument("channels", 0), input.Argument("height", 0), input.Argument("width", 0));
        foreach ((string name, int value) in new[] { ("channels", image.Channels), ("height", image.Height), ("width", image.Width) })
        {
            if (value < 1)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NonPositiveSize, input.Location, $"[Input] {name}", value));
            }
        }
        if (image.Size > LayoutPlanner.MaxArenaLength)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TooLarge, input.Location, input.Declaration.Identifier.Text,
                $"an input of {image.Size} floats"));
        }
        return image;
    }

    /// <summary>The GenNet layer attributes on <paramref name="type"/>, in no particular order.</summary>
    private static List<LayerAttribute> ReadLayerAttributes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var result = new List<LayerAttribute>();
        foreach (AttributeData data in type.GetAttributes())
        {
            if (data.AttributeClass is not { } attributeClass || NameOf(attributeClass) is not { } attributeName)
            {
                continue;
            }
            if (data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax
                && syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } declaration)
            {
                result.Add(new LayerAttribute(attributeName, data, syntax, declaration));
            }
        }
        return result;
    }

    /// <summary>The name a user writes for the attribute class if it is one of GenNet's network attributes, else null.</summary>
    public static string? NameOf(INamedTypeSymbol attributeClass)
    {
        if (attributeClass.ContainingNamespace is not { Name: KnownNames.Namespace, ContainingNamespace.IsGlobalNamespace: true }
            || !attributeClass.Name.EndsWith("Attribute", StringComparison.Ordinal))
        {
            return null;
        }
        string name = attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length);
        return name == KnownNames.Input || LossSpec.ByName.ContainsKey(name) || LayerReader.ByName.ContainsKey(name)
            ? name
            : null;
    }

    /// <summary>Partial, top-level, non-generic, non-static class: the shapes the emitter can complete.</summary>
    private static bool CheckClass(INamedTypeSymbol type, List<LayerAttribute> attributes, Location location, List<Diagnostic> diagnostics)
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
    private static void CheckOrder(List<LayerAttribute> attributes, string name, Location classLocation, List<Diagnostic> diagnostics)
    {
        var inputs = attributes.Where(a => a.IsInput).ToList();
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
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.LossNotLast, losses[0].Location, losses[0].Name));
        }
    }
}
