namespace GenNet;

/// <summary>
/// Max pooling over windows of <c>window</c> × <c>window</c> values of each channel, <c>stride</c> apart (the window
/// unless given; a stride below the window makes overlapping windows). The output is ⌊(n − window) / stride⌋ + 1 wide,
/// as in Keras and PyTorch: rows and columns past the last whole window are left out. The gradient flows to the first
/// largest value of each window.
/// </summary>
/// <param name="window">Window height and width.</param>
/// <param name="stride">Step between windows; 0 (the default) means the window.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute(int window, int stride = 0) : Attribute
{
    /// <summary>Window height and width.</summary>
    public int Window { get; } = window;

    /// <summary>Step between windows (0: the window).</summary>
    public int Stride { get; } = stride;
}
