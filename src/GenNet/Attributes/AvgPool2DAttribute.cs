namespace GenNet;

/// <summary>
/// Average pooling over windows of <c>window</c> × <c>window</c> values of each channel, <c>stride</c> apart (the
/// window unless given). The output is ⌊(n − window) / stride⌋ + 1 wide, as in Keras and PyTorch: rows and columns
/// past the last whole window are left out.
/// </summary>
/// <param name="window">Window height and width.</param>
/// <param name="stride">Step between windows; 0 (the default) means the window.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute(int window, int stride = 0) : Attribute
{
    /// <summary>Window height and width.</summary>
    public int Window { get; } = window;

    /// <summary>Step between windows (0: the window).</summary>
    public int Stride { get; } = stride;
}
