namespace GenNet.Models;

/// <summary>
/// A small MNIST convnet (Keras' example shape): 1×28×28 → Conv 32@3×3 ReLU → MaxPool 2 → Conv 64@3×3 ReLU → MaxPool 2
/// → Dropout 0.5 → Dense 10, softmax cross-entropy. Its body is generated from the attributes.
/// </summary>
[Input(1, 28, 28)]
[Conv2D(32, kernel: 3, activation: Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, kernel: 3, activation: Activation.ReLU)]
[MaxPool2D(2)]
[Dropout(0.5)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class MnistConvNet;
