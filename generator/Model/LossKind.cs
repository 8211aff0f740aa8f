namespace GenNet.Generator.Model;

/// <summary>The loss head that closes a network.</summary>
internal enum LossKind
{
    SoftmaxCrossEntropy,
    MeanSquaredError,
}
