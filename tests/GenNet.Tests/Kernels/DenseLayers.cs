using GenNet.Tests.Networks;

namespace GenNet.Tests.Kernels;

/// <summary>y = act(x·w + bias) by one generated layer's <see cref="GenNet.Kernels.DenseForward{TLayer}"/>.</summary>
internal delegate void DenseForwardCall(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch, WorkerPool? workers);

/// <summary>dw = xᵀ·dz, db = Σ dz by one generated layer's <see cref="GenNet.Kernels.DenseBackwardParameters{TLayer}"/>.</summary>
internal delegate void DenseBackwardParametersCall(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch, WorkerPool? workers);

/// <summary>dx = (dz·wᵀ) ⊙ act′(y) by one generated layer's <see cref="GenNet.Kernels.DenseBackwardInput{TLayer}"/>.</summary>
internal delegate void DenseBackwardInputCall(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, ReadOnlySpan<float> y, int batch, WorkerPool? workers);

/// <summary>
/// A generated layer as a value: its shape and activations, and its three kernels behind delegates, so one test can sweep
/// the layers of several networks. The dense kernels exist only per generated layer (their Vector512 and Vector256 tiles
/// are the layer's), so the kernel tests run them through these.
/// </summary>
internal sealed record DenseLayer(
    string Name, int Inputs, int Outputs, bool HasBias, Activation Activation, float Alpha,
    bool HasInputGradient, Activation InputActivation, float InputAlpha,
    DenseForwardCall Forward, DenseBackwardParametersCall BackwardParameters, DenseBackwardInputCall BackwardInput)
{
    public static DenseLayer Of<TLayer>()
        where TLayer : struct, GenNet.Kernels.IDenseLayerKernels
        => new(
            $"{typeof(TLayer).DeclaringType!.Name}.{typeof(TLayer).Name} ({TLayer.Inputs} → {TLayer.Outputs}, {TLayer.Activation})",
            TLayer.Inputs, TLayer.Outputs, TLayer.HasBias, TLayer.Activation, TLayer.Alpha,
            TLayer.HasInputGradientTile, TLayer.InputActivation, TLayer.InputAlpha,
            (y, x, w, bias, batch, workers) => GenNet.Kernels.DenseForward<TLayer>(y, x, w, bias, batch, workers),
            (dw, db, x, dz, batch, workers) => GenNet.Kernels.DenseBackwardParameters<TLayer>(dw, db, x, dz, batch, workers),
            (dx, dz, w, y, batch, workers) => GenNet.Kernels.DenseBackwardInput<TLayer>(dx, dz, w, y, batch, workers));

    public override string ToString() => Name;

    /// <summary>Every layer of <see cref="OddWideningNet"/> and <see cref="OddNarrowingNet"/> (TestNetworks.cs).</summary>
    public static readonly DenseLayer[] OddShapes =
    [
        Of<OddWideningNet.Layer1>(), Of<OddWideningNet.Layer2>(), Of<OddWideningNet.Layer3>(), Of<OddWideningNet.Layer4>(),
        Of<OddWideningNet.Layer5>(), Of<OddWideningNet.Layer6>(), Of<OddWideningNet.Layer7>(), Of<OddWideningNet.Layer8>(),
        Of<OddWideningNet.Layer9>(), Of<OddWideningNet.Layer10>(), Of<OddWideningNet.Layer11>(), Of<OddWideningNet.Layer12>(),
        Of<OddNarrowingNet.Layer1>(), Of<OddNarrowingNet.Layer2>(), Of<OddNarrowingNet.Layer3>(), Of<OddNarrowingNet.Layer4>(),
        Of<OddNarrowingNet.Layer5>(), Of<OddNarrowingNet.Layer6>(), Of<OddNarrowingNet.Layer7>(), Of<OddNarrowingNet.Layer8>(),
        Of<OddNarrowingNet.Layer9>(), Of<OddNarrowingNet.Layer10>(), Of<OddNarrowingNet.Layer11>(), Of<OddNarrowingNet.Layer12>(),
    ];

    /// <summary>MNIST's 784 → 512 (ReLU) layer.</summary>
    public static readonly DenseLayer MnistHidden = Of<MnistShapedNet.Layer1>();

    /// <summary>MNIST's 512 → 10 logits layer; its input gradient applies ReLU′.</summary>
    public static readonly DenseLayer MnistLogits = Of<MnistShapedNet.Layer2>();

    /// <summary>The first odd-shape layer with this activation and at least these sizes.</summary>
    public static DenseLayer With(Activation activation, int minInputs = 1, int minOutputs = 1) =>
        OddShapes.First(l => l.Activation == activation && l.Inputs >= minInputs && l.Outputs >= minOutputs);
}
