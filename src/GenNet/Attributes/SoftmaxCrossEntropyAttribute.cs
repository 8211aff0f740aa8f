namespace GenNet;

/// <summary>
/// Loss head for classification, last in the layer list: softmax over the previous layer's outputs fused with
/// the mean cross-entropy against integer class labels. Needs at least two outputs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxCrossEntropyAttribute : Attribute;
