namespace GenNet;

/// <summary>
/// A 2-D convolution over a channels × height × width input: y[f, i, j] = act(b[f] + Σ_c Σ_u Σ_v
/// x[c, i·stride + u − top, j·stride + v − left] · W[f, c, u, v]), W of shape [filters × channels × kernelHeight ×
/// kernelWidth] (as PyTorch and ONNX lay it out), padding per <see cref="GenNet.Padding"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>A convolution with a square <paramref name="kernel"/> × <paramref name="kernel"/> kernel.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernel">Kernel height and width.</param>
    /// <param name="activation">Element-wise activation fused into the layer.</param>
    /// <param name="stride">Step between kernel positions, down and across (default 1).</param>
    /// <param name="padding">Border handling (default <see cref="Padding.Valid"/>).</param>
    /// <param name="bias">Whether each filter has a bias (default true).</param>
    /// <param name="alpha">Negative slope of <see cref="Activation.LeakyReLU"/>; ignored by the other activations.</param>
    public Conv2DAttribute(int filters, int kernel, Activation activation = Activation.None, int stride = 1,
        Padding padding = Padding.Valid, bool bias = true, float alpha = 0.01f)
        : this(filters, kernel, kernel, activation, stride, padding, bias, alpha)
    {
    }

    /// <summary>A convolution with a <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/> kernel; the other
    /// parameters as for a square kernel.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth, Activation activation = Activation.None, int stride = 1,
        Padding padding = Padding.Valid, bool bias = true, float alpha = 0.01f)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
        Stride = stride;
        Padding = padding;
        Bias = bias;
        Alpha = alpha;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Element-wise activation fused into the layer.</summary>
    public Activation Activation { get; }

    /// <summary>Step between kernel positions, down and across.</summary>
    public int Stride { get; }

    /// <summary>Border handling.</summary>
    public Padding Padding { get; }

    /// <summary>Whether each filter has a bias.</summary>
    public bool Bias { get; }

    /// <summary>Negative slope of <see cref="Activation.LeakyReLU"/>.</summary>
    public float Alpha { get; }
}
