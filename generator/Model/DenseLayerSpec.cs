namespace GenNet.Generator.Model;

/// <summary>
/// One fully connected layer, with every size and arena offset already computed, so the emitter only formats.
/// </summary>
/// <param name="Number">1-based position among the Dense layers; names its slices (W1, b1, a1, …).</param>
/// <param name="Inputs">I: width of the layer's input.</param>
/// <param name="Outputs">O: number of units.</param>
/// <param name="Activation">Fused element-wise activation.</param>
/// <param name="Alpha">LeakyReLU's negative slope (0 for other activations, so it does not affect equality).</param>
/// <param name="HasBias">Whether the layer owns a bias vector.</param>
/// <param name="WeightOffset">Offset of W [I × O] in the parameter (and gradient) arena.</param>
/// <param name="BiasOffset">Offset of b [O] in the parameter arena; meaningless without bias.</param>
/// <param name="ActivationColumn">Offset, in floats per batch row, of this layer's output in the activation arena.</param>
/// <param name="DropoutRate">Training-time dropout on the layer's output; 0 for none.</param>
/// <param name="DropoutColumn">Offset, in floats per batch row, of this layer's mask and dropped output in the dropout arenas.</param>
internal sealed record DenseLayerSpec(
    int Number,
    int Inputs,
    int Outputs,
    ActivationKind Activation,
    float Alpha,
    bool HasBias,
    int WeightOffset,
    int BiasOffset,
    int ActivationColumn,
    float DropoutRate,
    int DropoutColumn)
{
    public bool HasDropout => DropoutRate > 0f;

    public int WeightCount => Inputs * Outputs;
}
