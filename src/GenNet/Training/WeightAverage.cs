using System.Numerics;
using System.Runtime.InteropServices;

namespace GenNet.Training;

/// <summary>
/// An exponential moving average of a network's parameters (Polyak averaging, Keras' <c>use_ema</c>): after every
/// step, <c>average ← average + (1 − decay)·(parameters − average)</c>, the first update copying the parameters.
/// A model evaluated with the average is often a little better than the last step's parameters, which carry that
/// step's noise. A <see cref="Trainer"/> with an <see cref="Trainer.Average"/> updates it and evaluates with it;
/// checkpoints keep it. The array is allocated once, in the constructor; <see cref="Update"/> allocates nothing.
/// </summary>
/// <remarks>
/// The update is a subtraction, a multiplication and an addition per parameter, never fused, so its bits are the same
/// on every instruction set and vector width.
/// </remarks>
public sealed class WeightAverage
{
    private readonly float[] _values;

    /// <summary>An average of <paramref name="parameterCount"/> parameters that keeps <paramref name="decay"/> of itself each update.</summary>
    /// <param name="parameterCount">Length of the network's parameter arena.</param>
    /// <param name="decay">Weight of the old average at each update, greater than 0 and less than 1 (0.999 averages over about the last 1,000 steps).</param>
    public WeightAverage(int parameterCount, float decay)
    {
        Guard.PositiveCount(parameterCount);
        if (!(decay > 0f && decay < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be greater than 0 and less than 1.");
        }
        _values = new float[parameterCount];
        Decay = decay;
    }

    /// <summary>Weight of the old average at each update.</summary>
    public float Decay { get; }
    /// <summary>Length of the parameter arena it averages.</summary>
    public int ParameterCount => _values.Length;
    /// <summary>Updates so far; 0 means <see cref="Values"/> holds nothing yet.</summary>
    public long Updates { get; private set; }
    /// <summary>The average (all zeros before the first <see cref="Update"/>).</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Moves the average towards <paramref name="parameters"/>; the first update copies them.</summary>
    public void Update(ReadOnlySpan<float> parameters)
    {
        CheckLength(parameters.Length, nameof(parameters));
        if (Updates == 0)
        {
            parameters.CopyTo(_values);
        }
        else
        {
            Blend(_values, parameters, 1f - Decay);
        }
        Updates++;
    }

    /// <summary>average += rate·(parameters − average), element by element.</summary>
    private static void Blend(Span<float> average, ReadOnlySpan<float> parameters, float rate)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = MemoryMarshal.Cast<float, Vector<float>>(average);
            var p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            var r = new Vector<float>(rate);
            for (int v = 0; v < a.Length; v++)
            {
                a[v] += r * (p[v] - a[v]);
            }
            i = a.Length * Vector<float>.Count;
        }
        for (; i < average.Length; i++)
        {
            average[i] += rate * (parameters[i] - average[i]);
        }
    }

    /// <summary>
    /// Exchanges the average with <paramref name="parameters"/>, element by element; a second call undoes the first.
    /// The trainer evaluates this way without a second copy of the arena.
    /// </summary>
    public void SwapWith(Span<float> parameters)
    {
        CheckLength(parameters.Length, nameof(parameters));
        Span<float> values = _values;
        for (int i = 0; i < values.Length; i++)
        {
            (values[i], parameters[i]) = (parameters[i], values[i]);
        }
    }

    /// <summary>Puts back an average taken from <see cref="Values"/> and <see cref="Updates"/> (a checkpoint's).</summary>
    /// <exception cref="ArgumentException">The length differs from <see cref="ParameterCount"/>, or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="updates"/> is negative.</exception>
    public void Restore(ReadOnlySpan<float> values, long updates)
    {
        CheckLength(values.Length, nameof(values));
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        if (Trainer.FindNonFinite(values) is int bad and >= 0)
        {
            throw new ArgumentException($"Value {bad} of the average is {values[bad]}; an average holds finite values only.", nameof(values));
        }
        values.CopyTo(_values);
        Updates = updates;
    }

    private void CheckLength(int length, string name)
    {
        if (length != _values.Length)
        {
            throw new ArgumentException($"The average was created for {_values.Length} parameters; got {length}.", name);
        }
    }
}

/// <summary>A <see cref="WeightAverage"/> as a checkpoint keeps it: its decay, update count and values.</summary>
public readonly record struct WeightAverageState(float Decay, long Updates, float[] Values);
