namespace GenNet.Data;

/// <summary>
/// A labelled image set held in memory: <see cref="Pixels"/> is one contiguous row-major block of
/// <c>Count × Features</c> floats in [0, 1], and <see cref="Labels"/> holds one class index per image.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Pairs images with labels; both must describe the same number of samples.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pixels"/> or <paramref name="labels"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/>, <paramref name="columns"/> or <paramref name="classCount"/> is below 1, or a label lies
    /// outside <c>0..classCount-1</c> (the message gives its index).
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold exactly labels × rows × columns values.</exception>
    public LabeledImages(float[] pixels, int[] labels, int rows, int columns, int classCount = IdxReader.DefaultClassCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        Guard.PositiveCount(rows);
        Guard.PositiveCount(columns);
        Guard.PositiveCount(classCount);
        if ((long)labels.Length * rows * columns != pixels.Length)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * rows * columns} pixels of {rows}×{columns} images, not {pixels.Length}.", nameof(pixels));
        }
        Guard.Labels(labels, classCount);
        (Pixels, Labels, Rows, Columns, ClassCount) = (pixels, labels, rows, columns, classCount);
    }

    /// <summary>Every image, row-major, one after the other: image i is <c>Pixels[(i × Features)..((i + 1) × Features)]</c>.</summary>
    public float[] Pixels { get; }
    /// <summary>The class of each image, in <c>0..ClassCount-1</c>.</summary>
    public int[] Labels { get; }
    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;
    /// <summary>Height of one image.</summary>
    public int Rows { get; }
    /// <summary>Width of one image.</summary>
    public int Columns { get; }
    /// <summary>Floats per sample (<c>Rows × Columns</c>): the network's input width.</summary>
    public int Features => Rows * Columns;
    /// <summary>Number of classes labels were checked against.</summary>
    public int ClassCount { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in <c>0..Count-1</c>.</exception>
    public ReadOnlySpan<float> Image(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must lie in 0..{Count - 1} (the set holds {Count} images).");
        }
        // index < Count, and Count × Features pixels fit in one array, so the product cannot overflow.
        return Pixels.AsSpan(index * Features, Features);
    }

    /// <summary>
    /// Why these images are not samples of <paramref name="input"/>, or null when they are: a flat input takes any image
    /// of as many pixels; an image input takes only one-channel images of its height and width, so 14×56 pictures
    /// are not 1×28×28 samples although both hold 784 values (see <see cref="Dataset.MismatchWith(TensorShape)"/>).
    /// </summary>
    public string? MismatchWith(TensorShape input) => AsDataset().MismatchWith(input);

    private Dataset? _dataset;

    /// <summary>The same images and labels as a <see cref="Dataset"/> of 1×Rows×Columns samples (no copy; made once).</summary>
    /// <exception cref="ArgumentException">A pixel is NaN or infinite (checked once, on the first call).</exception>
    public Dataset AsDataset() => _dataset ??= Dataset.FromImages(this);

    /// <summary>The same images and labels as a <see cref="Dataset"/> (no copy), so image sets go wherever datasets do.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(images))]
    public static implicit operator Dataset?(LabeledImages? images) => images?.AsDataset();
}
