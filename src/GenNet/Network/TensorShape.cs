using System.Globalization;

namespace GenNet;

/// <summary>
/// The shape of one sample of a layer's input or output: channels × height × width, stored row-major in that order
/// (CHW). A flat vector of <c>n</c> values is <c>(n, 1, 1)</c>.
/// </summary>
/// <param name="Channels">Number of channels (the whole width of a flat vector).</param>
/// <param name="Height">Rows of each channel.</param>
/// <param name="Width">Columns of each row.</param>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>Number of floats in one sample: <c>Channels × Height × Width</c>.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>A flat vector of <paramref name="size"/> values: <c>(size, 1, 1)</c>.</summary>
    public static TensorShape Flat(int size) => new(size, 1, 1);

    /// <summary><c>784</c> for a flat vector, <c>1×28×28</c> otherwise.</summary>
    public override string ToString() =>
        Height == 1 && Width == 1
            ? Channels.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{Channels}×{Height}×{Width}");
}
