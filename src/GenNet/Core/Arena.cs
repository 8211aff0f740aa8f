using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenNet;

/// <summary>
/// One block of floats, allocated once, pinned and aligned to 64 bytes so that vector loads never split a cache
/// line. Generated networks keep one arena per buffer kind (parameters, gradients, activations, activation
/// gradients) and slice it at constant offsets.
/// </summary>
public sealed class Arena
{
    private const int AlignmentBytes = 64;
    private readonly float[] _array;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="length"/> is negative, or larger than one .NET array can hold with the alignment padding.
    /// </exception>
    public Arena(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Guard.FitsInArray(length, (long)length + AlignmentBytes / sizeof(float));
        Length = length;
        _array = GC.AllocateArray<float>(length + AlignmentBytes / sizeof(float), pinned: true);
        unsafe
        {
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
            int misalignment = (int)(address % AlignmentBytes);
            _offset = misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(float);
        }
    }

    /// <summary>Number of floats in the arena.</summary>
    public int Length { get; }

    /// <summary>The whole arena.</summary>
    public Span<float> Span => _array.AsSpan(_offset, Length);

    /// <summary>A slice of the arena.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The slice does not lie inside the arena.</exception>
    public Span<float> Slice(int start, int length)
    {
        // The backing array is longer than the arena (alignment padding): check against the arena, not the array.
        if ((ulong)(uint)start + (uint)length > (uint)Length)
        {
            ThrowSliceOutOfRange(start, length);
        }
        return _array.AsSpan(_offset + start, length);
    }

    private void ThrowSliceOutOfRange(int start, int length) =>
        throw new ArgumentOutOfRangeException(nameof(start), start, $"The slice [{start}, {start} + {length}) does not lie inside the arena of {Length} floats.");
}
