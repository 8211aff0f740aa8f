namespace GenNet.Benchmarks;

/// <summary>
/// Issue #15's narrow network, where the per-step work outside the big products weighs more than in MnistMlp:
/// 784 → 100 ReLU → 100 ReLU → 10, no biases. `--compare --network narrow` trains it with momentum SGD at batch 800.
/// </summary>
[Input(784)]
[Dense(100, Activation.ReLU, bias: false)]
[Dense(100, Activation.ReLU, bias: false)]
[Dense(10, bias: false)]
[SoftmaxCrossEntropy]
public partial class NarrowMlp;
