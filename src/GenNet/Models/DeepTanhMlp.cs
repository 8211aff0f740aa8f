namespace GenNet.Models;

/// <summary>
/// A deeper MNIST network with saturating activations: 784 → 256 Tanh → 128 Tanh → 10, softmax cross-entropy.
/// </summary>
[Input(784)]
[Dense(256, Activation.Tanh)]
[Dense(128, Activation.Tanh)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class DeepTanhMlp;
