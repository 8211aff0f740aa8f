namespace GenNet.Tests.Networks;

// Small networks compiled by the real generator (the test project references it as an analyzer).
// Between them they cover every activation, both loss heads, bias on and off, and odd sizes.

[Input(5)]
[Dense(7, Activation.ReLU)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class TinyReluNet;

[Input(9)]
[Dense(17, Activation.LeakyReLU, alpha: 0.1f)]
[Dense(33, Activation.Sigmoid)]
[Dense(8, Activation.Tanh)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class EveryActivationNet;

[Input(3)]
[Dense(5, Activation.LeakyReLU)]
[Dense(4, Activation.Tanh, bias: false)]
[Dense(2, Activation.Sigmoid)]
[MeanSquaredError]
public partial class RegressorNet;

[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(2)]
[SoftmaxCrossEntropy]
public partial class XorNet;

[Input(4)]
[Dense(1)]
[MeanSquaredError]
public partial class LinearRegressionNet;

[Input(6)]
[Dense(12, Activation.ReLU)]
[Dropout(0.25f)]
[Dense(9, Activation.Sigmoid)]
[Dropout(0.5f)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class DropoutNet;

[Input(6)]
[Dense(12, Activation.ReLU)]
[Dense(9, Activation.Sigmoid)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class DropoutFreeTwinNet;

// Dropout is a layer of its own: two in a row chain their masks, and in-place gradients pass through both.
[Input(5)]
[Dense(7, Activation.LeakyReLU, alpha: 0.2f)]
[Dropout(0.3f)]
[Dropout(0.4f)]
[Dense(3, Activation.Tanh)]
[Dropout(0.2f)]
[Dense(2)]
[MeanSquaredError]
public partial class ChainedDropoutRegressorNet;

// Shaped for the generated register tiles: two-vector tiles (products of 16+ columns; 32+ for Vector512) with a column
// tail at both widths, and one-vector tiles of 5 to 8, 13, 15 and 16 columns, which store every piece the engine's
// epilogue uses (a whole vector, Vector256, Vector128, single lanes), each activation and derivative on single lanes
// too; every fused epilogue (ReLU, LeakyReLU, linear forward; ReLU′, LeakyReLU′, Sigmoid′, Tanh′ and no derivative in
// the input gradients); bias-free layers wide and narrow. GeneratedTileTests holds it against the engine's tiles.
[Input(37)]
[Dense(70, Activation.ReLU, bias: false)]
[Dense(33, Activation.LeakyReLU, alpha: 0.05f)]
[Dense(40, Activation.Sigmoid)]
[Dense(35, Activation.Tanh)]
[Dense(48)]
[Dense(16, Activation.ReLU)]
[Dense(15, Activation.ReLU)]
[Dense(8, Activation.Sigmoid)]
[Dense(7, Activation.Tanh)]
[Dense(6, Activation.Sigmoid)]
[Dense(5, Activation.LeakyReLU, alpha: 0.05f)]
[Dense(13, bias: false)]
[SoftmaxCrossEntropy]
public partial class WideTileNet;
