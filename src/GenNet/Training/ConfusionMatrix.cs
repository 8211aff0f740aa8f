namespace GenNet.Training;

/// <summary>Counts of (true class, predicted class) pairs for a classifier on a labelled set.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes)
    {
        Guard.PositiveCount(classes);
        Classes = classes;
        _counts = new int[classes * classes];
    }

    /// <summary>Number of classes (rows and columns).</summary>
    public int Classes { get; }
    /// <summary>Samples whose true class is <paramref name="actual"/> and predicted class <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual * Classes + predicted];
    /// <summary>All samples counted.</summary>
    public int Total { get; private set; }
    /// <summary>Samples on the diagonal.</summary>
    public int Correct { get; private set; }
    /// <summary><see cref="Correct"/> / <see cref="Total"/>.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Row <paramref name="actual"/> as an array (for serialisation).</summary>
    public int[] Row(int actual) => _counts.AsSpan(actual * Classes, Classes).ToArray();

    /// <summary>Runs <paramref name="network"/> over the first <paramref name="count"/> samples and counts (label, argmax).</summary>
    public static ConfusionMatrix Compute(IClassifier network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        Guard.PositiveCount(count);
        int classes = network.OutputSize;
        var matrix = new ConfusionMatrix(classes);
        var outputs = new float[network.MaxBatchSize * classes];
        for (int start = 0; start < count; start += network.MaxBatchSize)
        {
            int rows = Math.Min(network.MaxBatchSize, count - start);
            network.Predict(inputs.Slice(start * network.InputSize, rows * network.InputSize), outputs.AsSpan(0, rows * classes), rows);
            for (int r = 0; r < rows; r++)
            {
                matrix.Add(labels[start + r], ArgMax(outputs.AsSpan(r * classes, classes)));
            }
        }
        return matrix;
    }

    /// <summary>Counts one sample.</summary>
    public void Add(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, Classes);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, Classes);
        _counts[actual * Classes + predicted]++;
        Total++;
        if (actual == predicted)
        {
            Correct++;
        }
    }

    /// <summary>Index of the largest value (the first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
