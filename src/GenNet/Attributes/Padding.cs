namespace GenNet;

/// <summary>How a <see cref="Conv2DAttribute"/> layer treats the border of its input.</summary>
/// <remarks>The integer values are part of the generator's contract: <c>generator/Model/PaddingKind.cs</c> mirrors them.</remarks>
public enum Padding
{
    /// <summary>No padding: the kernel stays inside the input; the output is ⌊(n − k) / stride⌋ + 1 wide.</summary>
    Valid = 0,

    /// <summary>
    /// Zero padding so that the output is ⌈n / stride⌉ wide (n at stride 1), as Keras and TensorFlow pad: the total
    /// padding is max((⌈n / stride⌉ − 1)·stride + k − n, 0), its smaller half before the input (top, left), the larger
    /// after (bottom, right).
    /// </summary>
    Same = 1,
}
