namespace GenNet;

/// <summary>The loss head that closes a network (<see cref="NetworkDescription.Loss"/>).</summary>
public enum LossKind
{
    /// <summary><see cref="SoftmaxCrossEntropyAttribute"/>: softmax fused with mean cross-entropy; the network outputs class probabilities.</summary>
    SoftmaxCrossEntropy,
    /// <summary><see cref="MeanSquaredErrorAttribute"/>: mean squared error; the network outputs its last layer as it is.</summary>
    MeanSquaredError,
}
