namespace GenNet.Generator.Model;

/// <summary>[SoftmaxCrossEntropy]: softmax fused with mean cross-entropy against integer class labels; a classifier.</summary>
internal sealed record SoftmaxCrossEntropySpec : LossSpec
{
    public override string Kind => "SoftmaxCrossEntropy";

    public override int MinimumOutputs => 2;
}
