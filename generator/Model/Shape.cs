using System.Globalization;

namespace GenNet.Generator.Model;

/// <summary>The shape of one sample, channels × height × width, row-major (CHW); a flat vector of n is (n, 1, 1).</summary>
internal readonly record struct Shape(int Channels, int Height, int Width)
{
    public static Shape Flat(int size) => new(size, 1, 1);

    public bool IsFlat => Height == 1 && Width == 1;

    /// <summary>Floats in one sample, in 64 bits so an oversized declaration can be reported rather than wrap.</summary>
    public long Size => (long)Channels * Height * Width;

    /// <summary><c>784</c> for a flat shape, <c>1×28×28</c> otherwise: the form comments and diagnostics use.</summary>
    public override string ToString() => IsFlat
        ? Channels.ToString(CultureInfo.InvariantCulture)
        : string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", Channels, Height, Width);
}
