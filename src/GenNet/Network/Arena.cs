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
    public Arena(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
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
    public Span<float> Slice(int start, int length) => _array.AsSpan(_offset + start, length);
}
