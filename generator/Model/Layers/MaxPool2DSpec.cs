using System.Collections.Generic;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>[MaxPool2D]: the largest value of each window; the gradient flows to the first largest.</summary>
internal sealed record MaxPool2DSpec(int Window, int Stride) : Pool2DSpec(Window, Stride)
{
    public override string Kind => "MaxPool2D";

    /// <summary>The activation whose derivative this layer's backward pass applies to its input gradient: the previous
    /// layer's when that is a convolution (its act′ is fused here, per plane while the plane is in cache), else None.</summary>
    public ActivationKind InputActivation { get; init; }

    /// <summary>LeakyReLU's slope for <see cref="InputActivation"/>.</summary>
    public float InputAlpha { get; init; }

    /// <summary>The number of the convolution before this layer whose forward pass this layer computes with its own
    /// (<see cref="Conv2DSpec.PooledByNext"/>), or 0.</summary>
    public int FusedConvolution { get; init; }

    /// <summary>Whether that convolution has a bias.</summary>
    public bool FusedConvolutionHasBias { get; init; }

    /// <summary>That convolution is the first layer and takes this layer's backward pass into its weight gradient
    /// (<see cref="Conv2DSpec.WeightGradientFromWinners"/>).</summary>
    public bool BackwardInConvolution { get; init; }

    /// <summary>Pooling for a fused convolution records the winners only while training: inference has no backward pass.</summary>
    public override bool ForwardDependsOnTraining => FusedConvolution != 0;

    public override LayerSpec Connect(LayerSpec? previous, LayerSpec? next)
    {
        MaxPool2DSpec connected = previous is Conv2DSpec { Activation: not ActivationKind.None } before
            ? this with { InputActivation = before.Activation, InputAlpha = before.Alpha }
            : this;
        return previous is Conv2DSpec { PooledByNext: true } conv
            ? connected with { FusedConvolution = conv.Number, FusedConvolutionHasBias = conv.HasBias, BackwardInConvolution = conv.WeightGradientFromWinners }
            : connected;
    }

    public override IEnumerable<SliceRequest> RequestSlices()
    {
        foreach (SliceRequest request in base.RequestSlices())
        {
            yield return request;
        }
        if (FusedConvolution != 0)
        {
            yield return new SliceRequest(ArenaKind.Activations, "I", Output.Size, IsOutput: false,
                $"layer {Number}'s winners: each window's largest value's offset in its plane of layer {FusedConvolution}'s output, which is never stored");
        }
    }

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "MaxPool2D";

        public override LayerSpec Read(LayerAttribute pool, in ReadContext context, List<Diagnostic> diagnostics)
        {
            (int window, int stride) = ReadWindow(pool, context, diagnostics);
            return new MaxPool2DSpec(window, stride);
        }
    }
}
