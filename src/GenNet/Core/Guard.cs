using System.Runtime.CompilerServices;

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
