using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using GenNet.Generator.Model;

namespace GenNet.Generator.Parse;

/// <summary>One Dense layer as declared, before sizes and offsets are planned.</summary>
/// <param name="DropoutRate">Rate of the [Dropout] on this layer's output during training; 0 for none.</param>
internal readonly record struct DeclaredDense(int Units, ActivationKind Activation, float Alpha, bool HasBias, float DropoutRate);

/// <summary>Pure: declared layers → sizes, arena offsets and the architecture fingerprint.</summary>
internal static class LayoutPlanner
{
    /// <summary>
    /// Most floats one runtime arena holds: .NET's largest array (Array.MaxLength, 2,147,483,591 elements) less the
    /// 16 floats of alignment padding GenNet.Arena adds.
    /// </summary>
    public const long MaxArenaLength = 2_147_483_575;

    /// <summary>The parameter count of a declaration, in 64 bits so an overflow can be reported rather than wrap.</summary>
    public static long CountParameters(int inputSize, IReadOnlyList<DeclaredDense> layers)
    {
        long count = 0;
        long inputs = inputSize;
        foreach (DeclaredDense layer in layers)
        {
            count += inputs * layer.Units + (layer.HasBias ? layer.Units : 0);
            inputs = layer.Units;
        }
        return count;
    }

    /// <summary>Floats per batch row of the activation arena (Σ widths), in 64 bits.</summary>
    public static long CountActivationsPerRow(IReadOnlyList<DeclaredDense> layers)
    {
        long count = 0;
        foreach (DeclaredDense layer in layers)
        {
            count += layer.Units;
        }
        return count;
    }

    /// <summary>Builds the spec; the caller has checked that every count fits in an <see cref="int"/>.</summary>
    public static NetworkSpec Plan(string ns, string className, int inputSize, IReadOnlyList<DeclaredDense> declared, LossKind loss)
    {
        var layers = ImmutableArray.CreateBuilder<DenseLayerSpec>(declared.Count);
        int offset = 0;
        int column = 0;
        int dropoutColumn = 0;
        int inputs = inputSize;
        for (int k = 0; k < declared.Count; k++)
        {
            DeclaredDense d = declared[k];
            int weightOffset = offset;
            offset += inputs * d.Units;
            int biasOffset = offset;
            if (d.HasBias)
            {
                offset += d.Units;
            }
            float alpha = d.Activation == ActivationKind.LeakyReLU ? d.Alpha : 0f;
            layers.Add(new DenseLayerSpec(k + 1, inputs, d.Units, d.Activation, alpha, d.HasBias, weightOffset, biasOffset, column,
                d.DropoutRate, dropoutColumn));
            column += d.Units;
            if (d.DropoutRate > 0f)
            {
                dropoutColumn += d.Units;
            }
            inputs = d.Units;
        }

        string architecture = DescribeArchitecture(inputSize, declared, loss);
        return new NetworkSpec(ns, className, inputSize, new EquatableArray<DenseLayerSpec>(layers.MoveToImmutable()), loss,
            offset, column, dropoutColumn, architecture, Fnv1a64(architecture));
    }

    /// <summary>Canonical text of the declaration, e.g. <c>Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy</c>.</summary>
    public static string DescribeArchitecture(int inputSize, IReadOnlyList<DeclaredDense> layers, LossKind loss)
    {
        var text = new StringBuilder();
        text.Append("Input(").Append(inputSize.ToString(CultureInfo.InvariantCulture)).Append(')');
        foreach (DeclaredDense layer in layers)
        {
            text.Append(" Dense(").Append(layer.Units.ToString(CultureInfo.InvariantCulture));
            if (layer.Activation != ActivationKind.None)
            {
                text.Append(',').Append(layer.Activation);
            }
            if (layer.Activation == ActivationKind.LeakyReLU)
            {
                text.Append(",alpha=").Append(layer.Alpha.ToString("R", CultureInfo.InvariantCulture));
            }
            if (!layer.HasBias)
            {
                text.Append(",bias=false");
            }
            text.Append(')');
            if (layer.DropoutRate > 0f)
            {
                text.Append(" Dropout(").Append(layer.DropoutRate.ToString("R", CultureInfo.InvariantCulture)).Append(')');
            }
        }
        text.Append(' ').Append(loss);
        return text.ToString();
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
