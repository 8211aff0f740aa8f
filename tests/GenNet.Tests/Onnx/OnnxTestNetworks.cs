namespace GenNet.Tests.Onnx;

// Networks for the exporter's tests. Between them and MnistMlp every exported op appears: Gemm with and without a
// bias, Relu, LeakyRelu (default and given alpha), Sigmoid, Tanh, a linear last layer, Softmax, and a regressor.

[Input(6)]
[Dense(9, Activation.ReLU)]
[Dense(7, Activation.LeakyReLU, alpha: 0.2f)]
[Dense(5, Activation.Sigmoid, bias: false)]
[Dense(4, Activation.Tanh)]
[Dense(3)]
[MeanSquaredError]
public partial class EveryOpRegressor;

[Input(5)]
[Dense(8, Activation.LeakyReLU)]
[Dense(6, Activation.Tanh, bias: false)]
[Dense(4, Activation.Sigmoid)]
[MeanSquaredError]
public partial class ActivatedOutputRegressor;

[Input(7)]
[Dense(11, Activation.Tanh, bias: false)]
[Dense(6, Activation.Sigmoid)]
[Dense(4, bias: false)]
[SoftmaxCrossEntropy]
public partial class NoBiasClassifier;
