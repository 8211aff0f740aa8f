namespace GenNet;

/// <summary>
/// Marks a <c>partial</c> class as a GenNet network and gives the shape of one input sample: a flat vector of
/// <c>size</c> features, or an image of <c>channels × height × width</c> (CHW, row-major: a 28×28 grey image is
/// <c>[Input(1, 28, 28)]</c>, and its 784 values are a valid sample of either form). Must be the first layer attribute;
/// the generator reads the layers in source order.
/// </summary>
/// <remarks>
/// <see cref="AttributeUsageAttribute.AllowMultiple"/> is true only so that a second <c>[Input]</c> gets
/// GenNet's own diagnostic (GNN0004) instead of the compiler's generic duplicate-attribute error.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>A flat input of <paramref name="size"/> features.</summary>
    public InputAttribute(int size) => (Channels, Height, Width) = (size, 1, 1);

    /// <summary>An image input: <paramref name="channels"/> planes of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public InputAttribute(int channels, int height, int width) => (Channels, Height, Width) = (channels, height, width);

    /// <summary>Number of values in one input sample.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Channels (the features of a flat input).</summary>
    public int Channels { get; }

    /// <summary>Rows of each channel (1 for a flat input).</summary>
    public int Height { get; }

    /// <summary>Columns of each channel (1 for a flat input).</summary>
    public int Width { get; }
}
