namespace GenNet.Models;

/// <summary>
/// The classic MNIST multilayer perceptron: 784 pixels → 512 ReLU units → 10 class logits, softmax
/// cross-entropy. Its body is generated from the attributes.
/// </summary>
[Input(784)]
[Dense(512, Activation.ReLU)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class MnistMlp;
