using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenNet;

/// <summary>Argument checks shared by the runtime and by generated networks; each message says what was expected.</summary>
public static class Guard
{
    /// <summary>Throws unless <paramref name="value"/> is finite and greater than zero.</summary>
    public static void FinitePositive(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!float.IsFinite(value) || value <= 0f)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and at least zero.</summary>
    public static void FiniteNonNegative(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number of at least 0.");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1.</summary>
    public static void UnitInterval(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 0 and less than 1.");
        }
    }

    /// <summary>Throws unless 1 ≤ <paramref name="count"/> ≤ <paramref name="max"/>.</summary>
    public static void Count(int count, int max, [CallerArgumentExpression(nameof(count))] string? name = null)
    {
        if (count < 1 || count > max)
        {
            throw new ArgumentOutOfRangeException(name, count, $"{name} must be between 1 and {max} (the network's maximum batch size).");
        }
    }

    /// <summary>Throws unless <paramref name="count"/> ≥ 1.</summary>
    public static void PositiveCount(int count, [CallerArgumentExpression(nameof(count))] string? name = null)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(name, count, $"{name} must be at least 1.");
        }
    }

    /// <summary>Throws unless one .NET array can hold the <paramref name="elements"/> that <paramref name="count"/> needs.</summary>
    public static void FitsInArray(int count, long elements, [CallerArgumentExpression(nameof(count))] string? name = null)
    {
        if (elements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(name, count,
                $"{name} is {count}, which needs {elements} elements in one array; a .NET array holds at most {Array.MaxLength}.");
        }
    }

    /// <summary>Throws unless a span holds at least <paramref name="rows"/> × <paramref name="width"/> elements.</summary>
    public static void Rows(int length, int rows, int width, [CallerArgumentExpression(nameof(length))] string? name = null)
    {
        long needed = (long)rows * width;
        if (length < needed)
        {
            throw new ArgumentException($"{name} holds {length} values; {rows} rows of {width} need {needed}.", name);
        }
    }

    /// <summary>The most threads a network or the trainer accepts: four per logical core. More only add contention (the
    /// results are the same for any count), and an absurd count would start that many spinning threads.</summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    /// <summary>Throws unless 1 ≤ <paramref name="threads"/> ≤ <see cref="MaxThreads"/>.</summary>
    public static void Threads(int threads, [CallerArgumentExpression(nameof(threads))] string? name = null)
    {
        if (threads < 1 || threads > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(name, threads,
                $"{name} must be between 1 and {MaxThreads} (4 × the {Environment.ProcessorCount} logical cores).");
        }
    }

    /// <summary>Throws unless every value is finite: a NaN or infinite input would reach the gradients (ReLU maps NaN to 0,
    /// so the loss can stay finite) and corrupt the parameters, or give a prediction that means nothing. The message names
    /// the sample: <paramref name="width"/> values make one, and <paramref name="values"/> starts at sample
    /// <paramref name="firstSample"/> of the argument <paramref name="name"/>.</summary>
    public static void Finite(ReadOnlySpan<float> values, int width, int firstSample, string name)
    {
        int i = IndexOfNonFinite(values);
        if (i >= 0)
        {
            throw new ArgumentException(
                $"{name} holds {values[i]} at sample {firstSample + i / width}, value {i % width}; inputs and targets must be finite numbers.", name);
        }
    }

    /// <summary>The index of the first NaN or ±∞, or −1: x − x is 0 exactly for finite x.</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> v = Vector.LoadUnsafe(ref start, (nuint)i);
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                {
                    break;
                }
            }
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Throws unless every label lies in [0, classes).</summary>
    public static void Labels(ReadOnlySpan<int> labels, int classes, [CallerArgumentExpression(nameof(labels))] string? name = null)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(name, labels[i], $"{name}[{i}] is {labels[i]}; class labels must lie in 0..{classes - 1}.");
            }
        }
    }
}
