namespace GenNet.Data;

/// <summary>
/// The contents of one IDX image file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/>
/// pixels, row-major, each pixel scaled from 0..255 to 0..1.
/// </summary>
public sealed class IdxImages
{
    /// <summary>Wraps pixels already laid out as <c>[count × rows·columns]</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pixels"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or <paramref name="rows"/> or <paramref name="columns"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold exactly count × rows × columns values.</exception>
    public IdxImages(float[] pixels, int count, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Guard.PositiveCount(rows);
        Guard.PositiveCount(columns);
        if ((long)count * rows * columns != pixels.Length)
        {
            throw new ArgumentException($"{count} images of {rows}×{columns} need {(long)count * rows * columns} pixels, not {pixels.Length}.", nameof(pixels));
        }
        (Pixels, Count, Rows, Columns) = (pixels, count, rows, columns);
    }

    /// <summary>One contiguous block of <c>Count × Rows × Columns</c> floats in [0, 1].</summary>
    public float[] Pixels { get; }
    /// <summary>Number of images.</summary>
    public int Count { get; }
    /// <summary>Height of one image.</summary>
    public int Rows { get; }
    /// <summary>Width of one image.</summary>
    public int Columns { get; }
    /// <summary>Pixels per image (<c>Rows × Columns</c>).</summary>
    public int Features => Rows * Columns;
}
