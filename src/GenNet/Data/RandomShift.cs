namespace GenNet.Data;

/// <summary>
/// Image augmentation: every training sample moved by a random whole number of pixels, up to <see cref="MaxShift"/>
/// rows and, independently, columns either way; the pixels moved in from outside the image are 0 (MNIST's background).
/// Give it to <see cref="Training.Trainer.Shift"/>, which applies it to each batch after the sampler gathers it.
/// </summary>
/// <remarks>
/// A sample's shift is a hash of (<see cref="Seed"/>, epoch, its position in the epoch's order), not a draw from a
/// generator: there is no state to save, so a run resumed from a checkpoint continues with the same shifts bit for bit,
/// and each epoch sees every image moved anew. The shifted batch goes into a buffer allocated once by the constructor.
/// </remarks>
public sealed class RandomShift
{
    private readonly float[] _batch;

    /// <summary>Shifts of up to <paramref name="maxShift"/> pixels for samples of <paramref name="sampleShape"/>, at most <paramref name="maxBatchSize"/> a batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxShift"/> is below 1 or not below the image's height and width, or <paramref name="maxBatchSize"/> is below 1.</exception>
    public RandomShift(TensorShape sampleShape, int maxShift, ulong seed, int maxBatchSize)
    {
        if (sampleShape.Channels < 1 || sampleShape.Height < 1 || sampleShape.Width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleShape), sampleShape, "Every dimension of an image must be at least 1.");
        }
        if (maxShift < 1 || maxShift >= Math.Min(sampleShape.Height, sampleShape.Width))
        {
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift,
                $"A shift must be at least 1 pixel and smaller than the {sampleShape.Height}×{sampleShape.Width} image.");
        }
        Guard.PositiveCount(maxBatchSize);
        if ((long)maxBatchSize * sampleShape.Size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $"{maxBatchSize} samples of {sampleShape} do not fit in one array.");
        }
        (SampleShape, MaxShift, Seed) = (sampleShape, maxShift, seed);
        _batch = new float[maxBatchSize * sampleShape.Size];
    }

    /// <summary>The shape of one sample (CHW).</summary>
    public TensorShape SampleShape { get; }

    /// <summary>The largest shift, in pixels, along each axis.</summary>
    public int MaxShift { get; }

    /// <summary>The seed of every shift.</summary>
    public ulong Seed { get; }

    /// <summary>Most samples one batch may hold.</summary>
    public int MaxBatchSize => _batch.Length / SampleShape.Size;

    /// <summary>The shift (rows down, columns right; negative is up or left) of the sample at <paramref name="position"/> of epoch <paramref name="epoch"/>.</summary>
    public (int Rows, int Columns) ShiftOf(int epoch, int position)
    {
        ulong hash = Mix(Seed ^ Mix(((ulong)(uint)epoch << 32) | (uint)position));
        uint span = (uint)(2 * MaxShift + 1);
        // Each half of the hash picks one axis; the modulo's bias is below span / 2³², far under anything measurable.
        return ((int)((uint)(hash >> 32) % span) - MaxShift, (int)((uint)hash % span) - MaxShift);
    }

    /// <summary>
    /// The batch of <paramref name="count"/> samples, the first at <paramref name="firstPosition"/> of epoch
    /// <paramref name="epoch"/>, each shifted; the span stays valid until the next call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside 1..<see cref="MaxBatchSize"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="batch"/> does not hold <paramref name="count"/> samples.</exception>
    public ReadOnlySpan<float> Apply(ReadOnlySpan<float> batch, int count, int epoch, int firstPosition)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatchSize);
        int size = SampleShape.Size;
        if (batch.Length != count * size)
        {
            throw new ArgumentException($"{batch.Length} values are not {count} samples of {SampleShape} ({count * size} values).", nameof(batch));
        }
        for (int s = 0; s < count; s++)
        {
            (int rows, int columns) = ShiftOf(epoch, firstPosition + s);
            Shift(batch.Slice(s * size, size), _batch.AsSpan(s * size, size), SampleShape, rows, columns);
        }
        return _batch.AsSpan(0, count * size);
    }

    /// <summary>destination[c, y, x] = source[c, y − rows, x − columns], 0 where that lies outside the image.</summary>
    internal static void Shift(ReadOnlySpan<float> source, Span<float> destination, TensorShape shape, int rows, int columns)
    {
        int height = shape.Height, width = shape.Width;
        int kept = width - Math.Abs(columns);
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                Span<float> row = destination.Slice((c * height + y) * width, width);
                int from = y - rows;
                if (from < 0 || from >= height || kept <= 0)
                {
                    row.Clear();
                    continue;
                }
                ReadOnlySpan<float> sourceRow = source.Slice((c * height + from) * width, width);
                if (columns >= 0)
                {
                    row[..columns].Clear();
                    sourceRow[..kept].CopyTo(row[columns..]);
                }
                else
                {
                    sourceRow[-columns..].CopyTo(row);
                    row[kept..].Clear();
                }
            }
        }
    }

    // SplitMix64's finaliser: every input bit moves every output bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
