using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using GenNet.Generator.Diagnostics;
using GenNet.Generator.Model;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Parse;

/// <summary>A layer as read from its attribute, and where to report a problem with it.</summary>
internal readonly record struct DeclaredLayer(LayerSpec Spec, Location Location);

/// <summary>
/// Declared layers → a <see cref="NetworkSpec"/>: propagates shapes, lets each layer connect to its neighbours, places
/// every slice in its arena, links each layer's input and output, and fingerprints the architecture. Knows no layer kind:
/// each applies its own rules through <see cref="LayerSpec"/>'s members.
/// </summary>
internal static class LayoutPlanner
{
    /// <summary>
    /// Most floats one runtime arena holds: .NET's largest array (Array.MaxLength, 2,147,483,591 elements) less the
    /// 16 floats of alignment padding GenNet.Arena adds.
    /// </summary>
    public const long MaxArenaLength = 2_147_483_575;

    /// <summary>The plan, or null with the reasons in <paramref name="diagnostics"/> (a shape the loss head cannot take
    /// at <paramref name="lossLocation"/>, an oversized arena at <paramref name="classLocation"/>).</summary>
    public static NetworkSpec? Plan(string ns, string className, Shape input, IReadOnlyList<DeclaredLayer> declared, LossSpec loss,
        Location classLocation, Location lossLocation, List<Diagnostic> diagnostics)
    {
        // Shapes, front to back.
        var layers = new LayerSpec[declared.Count];
        Shape shape = input;
        for (int k = 0; k < declared.Count; k++)
        {
            LayerSpec spec = declared[k].Spec;
            if (spec.NeedsImage && shape.IsFlat)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.ImageInputNeeded, declared[k].Location, spec.Kind, k + 1, shape.ToString()));
                return null;
            }
            if (spec.Misfit(shape) is { } misfit)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.LayerDoesNotFit, declared[k].Location, spec.Kind, k + 1, shape.ToString(), misfit));
                return null;
            }
            Shape output = spec.OutputShape(shape);
            layers[k] = spec with { Number = k + 1, Input = shape, Output = output };
            shape = output;
        }
        if (shape.Size < loss.MinimumOutputs)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.SoftmaxTooFewOutputs, lossLocation, shape.Size));
            return null;
        }

        for (int k = 0; k < layers.Length; k++)
        {
            layers[k] = layers[k].Connect(k > 0 ? layers[k - 1] : null, k + 1 < layers.Length ? layers[k + 1] : null);
        }

        // Arena totals in 64 bits first, so an overflow is reported rather than wrapped.
        var totals = new long[4];
        foreach (LayerSpec layer in layers)
        {
            foreach (SliceRequest request in layer.RequestSlices())
            {
                totals[(int)request.Arena] += request.Length;
            }
        }
        for (int arena = 0; arena < totals.Length; arena++)
        {
            if (totals[arena] > MaxArenaLength)
            {
                string what = arena == (int)ArenaKind.Parameters
                    ? $"{totals[arena]} parameters"
                    : $"{totals[arena]} {(ArenaKind)arena} floats per sample";
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TooLarge, classLocation, className, what));
                return null;
            }
        }

        // Offsets, and the links between neighbours.
        var offsets = new int[4];
        string value = LayerFlow.NetworkInput, inferenceValue = LayerFlow.NetworkInput;
        string? gradient = null;
        var planned = ImmutableArray.CreateBuilder<LayerSpec>(layers.Length);
        foreach (LayerSpec layer in layers)
        {
            var slices = ImmutableArray.CreateBuilder<Slice>();
            string? output = null, outputGradient = null;
            foreach (SliceRequest request in layer.RequestSlices())
            {
                var slice = new Slice(request.Arena, request.Prefix + layer.Number.ToString(CultureInfo.InvariantCulture),
                    offsets[(int)request.Arena], (int)request.Length, request.IsOutput, request.Description);
                offsets[(int)request.Arena] += slice.Length;
                slices.Add(slice);
                if (request.IsOutput && request.Arena == ArenaKind.Activations)
                {
                    output = slice.Name;
                }
                else if (request.IsOutput && request.Arena == ArenaKind.ActivationGradients)
                {
                    outputGradient = slice.Name;
                }
            }
            // A layer without an output slice of its own (a convolution whose max pooling computes its forward pass) passes
            // its input on, in training and outside it alike: after a dropout those are two different values.
            bool passesInputOn = output is null;
            output ??= value;
            outputGradient ??= layer.BackwardInPlace ? gradient : null;
            var flow = new LayerFlow(value, inferenceValue, gradient, output,
                layer.ActsOnlyWhileTraining || passesInputOn ? inferenceValue : output, outputGradient ?? "");
            planned.Add(layer with { Slices = new EquatableArray<Slice>(slices.ToImmutable()), Flow = flow });
            value = flow.Output;
            inferenceValue = flow.InferenceOutput;
            gradient = flow.OutputGradient;
        }

        string architecture = DescribeArchitecture(input, layers, loss);
        return new NetworkSpec(ns, className, input, new EquatableArray<LayerSpec>(planned.MoveToImmutable()), loss,
            offsets[(int)ArenaKind.Parameters], offsets[(int)ArenaKind.Activations], offsets[(int)ArenaKind.ActivationGradients],
            offsets[(int)ArenaKind.Masks], architecture, Fnv1a64(architecture));
    }

    /// <summary>Canonical text of the declaration, e.g. <c>Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy</c>.</summary>
    public static string DescribeArchitecture(Shape input, IReadOnlyList<LayerSpec> layers, LossSpec loss)
    {
        var text = new StringBuilder("Input(");
        text.Append(input.IsFlat
            ? input.Channels.ToString(CultureInfo.InvariantCulture)
            : string.Format(CultureInfo.InvariantCulture, "{0},{1},{2}", input.Channels, input.Height, input.Width));
        text.Append(')');
        foreach (LayerSpec layer in layers)
        {
            text.Append(' ').Append(layer.Describe());
        }
        return text.Append(' ').Append(loss.Kind).ToString();
    }

    /// <summary>64-bit FNV-1a over the UTF-8 bytes: stable across runs and machines, unlike string.GetHashCode.</summary>
    public static ulong Fnv1a64(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
