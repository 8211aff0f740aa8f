using System.Globalization;

namespace GenNet.Generator.Model;

/// <summary>
/// The shape of one sample: an image of channels × height × width values (CHW, row-major), or a flat vector of
/// <see cref="Channels"/> values, stored as (n, 1, 1). Spatial layers need an image; a Dense layer reads either flat.
/// </summary>
internal readonly record struct Shape(int Channels, int Height, int Width, bool IsFlat)
{
    public static Shape Flat(int size) => new(size, 1, 1, IsFlat: true);

    public static Shape Image(int channels, int height, int width) => new(channels, height, width, IsFlat: false);

    /// <summary>Floats in one sample, in 64 bits so an oversized declaration can be reported rather than wrap.</summary>
    public long Size => (long)Channels * Height * Width;

    /// <summary><c>784</c> for a flat shape, <c>1×28×28</c> for an image: the form comments and diagnostics use.</summary>
    public override string ToString() => IsFlat
        ? Channels.ToString(CultureInfo.InvariantCulture)
        : string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", Channels, Height, Width);
}
