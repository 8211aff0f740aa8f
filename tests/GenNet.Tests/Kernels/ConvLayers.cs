using GenNet.Models;
using GenNet.Tests.Networks;

namespace GenNet.Tests.Kernels;

/// <summary>y = act(conv(x, w) + b) by one generated layer's <see cref="GenNet.Kernels.Conv2DForward{TLayer}"/>.</summary>
internal delegate void ConvForwardCall(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch, WorkerPool? workers);

/// <summary>dw, db by one generated layer's <see cref="GenNet.Kernels.Conv2DBackwardParameters{TLayer}"/>.</summary>
internal delegate void ConvBackwardParametersCall(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch, WorkerPool? workers);

/// <summary>dx by one generated layer's <see cref="GenNet.Kernels.Conv2DBackwardInput{TLayer}"/>.</summary>
internal delegate void ConvBackwardInputCall(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, WorkerPool? workers);

/// <summary>y, winners by one generated layer's <see cref="GenNet.Kernels.Conv2DMaxPoolForward{TLayer}"/>.</summary>
internal delegate void ConvMaxPoolForwardCall(Span<float> y, Span<float> winners, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch,
    Pool2DGeometry pool, WorkerPool? workers);

/// <summary>dw, db by one generated layer's <see cref="GenNet.Kernels.Conv2DBackwardParametersFromWinners{TLayer}"/>.</summary>
internal delegate void ConvBackwardFromWinnersCall(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dPooled, ReadOnlySpan<float> pooled,
    ReadOnlySpan<float> winners, int batch, Pool2DGeometry pool, WorkerPool? workers);

/// <summary>
/// A generated convolution layer as a value: its geometry and activation, and its three kernels behind delegates (the
/// kernels run on the layer's generated register tiles, so they exist only per layer).
/// </summary>
internal sealed record ConvLayer(string Name, Conv2DGeometry Geometry, bool HasBias, Activation Activation, float Alpha, bool HasInputGradient,
    ConvForwardCall Forward, ConvBackwardParametersCall BackwardParameters, ConvBackwardInputCall BackwardInput, ConvMaxPoolForwardCall PooledForward,
    ConvBackwardFromWinnersCall BackwardParametersFromWinners)
{
    public static ConvLayer Of<TLayer>(int c, int h, int w, int kh, int kw, int stride, bool same)
        where TLayer : struct, GenNet.Kernels.IDenseLayerKernels
    {
        Conv2DGeometry g = GeometryOf(c, h, w, TLayer.Outputs, kh, kw, stride, same);
        return new($"{typeof(TLayer).DeclaringType!.Name}.{typeof(TLayer).Name} {g}", g, TLayer.HasBias, TLayer.Activation, TLayer.Alpha,
            TLayer.HasInputGradientTile,
            (y, x, wt, b, batch, workers) => GenNet.Kernels.Conv2DForward<TLayer>(y, x, wt, b, batch, g, workers),
            (dw, db, x, dz, batch, workers) => GenNet.Kernels.Conv2DBackwardParameters<TLayer>(dw, db, x, dz, batch, g, workers),
            (dx, dz, wt, batch, workers) => GenNet.Kernels.Conv2DBackwardInput<TLayer>(dx, dz, wt, batch, g, workers),
            (y, winners, x, wt, b, batch, pool, workers) => GenNet.Kernels.Conv2DMaxPoolForward<TLayer>(y, winners, x, wt, b, batch, g, pool, workers),
            (dw, db, x, dy, y, winners, batch, pool, workers) => GenNet.Kernels.Conv2DBackwardParametersFromWinners<TLayer>(dw, db, x, dy, y, winners, batch, g, pool, workers));
    }

    public override string ToString() => Name;

    /// <summary>Every convolution of the test networks and of MnistConvNet.</summary>
    public static readonly ConvLayer[] All =
    [
        Of<MnistConvNet.Layer1>(1, 28, 28, 3, 3, 1, false),
        Of<MnistConvNet.Layer3>(32, 13, 13, 3, 3, 1, false),
        Of<OddConvNet.Layer1>(3, 13, 7, 3, 3, 2, true),
        Of<OddConvNet.Layer3>(4, 6, 3, 2, 3, 1, true),
        Of<PointwiseConvNet.Layer1>(1, 6, 6, 1, 1, 1, false),
        Of<StridedConvDropoutNet.Layer1>(2, 5, 4, 3, 3, 2, false),
        Of<OddKernelConvNet.Layer1>(2, 9, 17, 5, 5, 1, true),
        Of<OddKernelConvNet.Layer2>(5, 9, 17, 4, 2, 3, true),
        Of<WideRowConvNet.Layer1>(4, 6, 33, 1, 1, 1, false),
        Of<WideRowConvNet.Layer2>(2, 6, 33, 3, 3, 1, false),
        Of<SplitConvNet.Layer1>(3, 29, 31, 5, 5, 2, true),
        Of<SixteenPositionsConvNet.Layer1>(32, 4, 10, 3, 3, 1, false),
        Of<TwentyFourPositionsConvNet.Layer1>(20, 4, 14, 3, 3, 1, false),
        Of<GrayscaleConvNet.Layer1>(1, 13, 9, 3, 3, 2, true),
        Of<GrayscaleRowsConvNet.Layer1>(1, 12, 21, 3, 3, 1, false),
        Of<SparseGradientConvNet.Layer2>(8, 9, 11, 3, 5, 2, true),
        Of<ListedRowsConvNet.Layer2>(8, 9, 11, 4, 5, 2, true),
        Of<WinogradConvNet.Layer1>(8, 7, 9, 3, 3, 1, true),
        Of<WinogradConvNet.Layer2>(16, 7, 9, 3, 3, 1, false),
    ];

    public static Conv2DGeometry GeometryOf(int c, int h, int w, int f, int kh, int kw, int stride, bool same)
    {
        int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
        int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
        int top = same ? Math.Max((oh - 1) * stride + kh - h, 0) / 2 : 0;
        int left = same ? Math.Max((ow - 1) * stride + kw - w, 0) / 2 : 0;
        return new Conv2DGeometry(c, h, w, f, kh, kw, stride, top, left, oh, ow);
    }
}
