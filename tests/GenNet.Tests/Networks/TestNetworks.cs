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

// Shaped for the kernel parity tests (Kernels/DenseLayers.cs): between them, every size of 1, 5, 7, 8, 9, 13, 16, 17,
// 31, 33, 47, 64 and 70 is a layer's input and output, so the products cover one-vector tiles (≤ 8 or 16 columns, full
// and short), a single padded two-vector block, full two-vector tiles with and without a column tail, at both widths;
// every activation runs forward at small and wide sizes, and every derivative in an input gradient. Batches (the rows)
// are chosen by each test.
[Input(1)]
[Dense(5, Activation.ReLU)]
[Dense(7, Activation.LeakyReLU, alpha: 0.01f)]
[Dense(8, Activation.Sigmoid)]
[Dense(9, Activation.Tanh)]
[Dense(13)]
[Dense(16, Activation.ReLU, bias: false)]
[Dense(17, Activation.LeakyReLU, alpha: 0.03f)]
[Dense(31, Activation.Sigmoid)]
[Dense(33, Activation.Tanh)]
[Dense(47)]
[Dense(64, Activation.ReLU)]
[Dense(70, Activation.LeakyReLU, alpha: 0.01f)]
[SoftmaxCrossEntropy]
public partial class OddWideningNet;

[Input(70)]
[Dense(64, Activation.Sigmoid)]
[Dense(47, Activation.Tanh)]
[Dense(33, bias: false)]
[Dense(31, Activation.ReLU)]
[Dense(17, Activation.LeakyReLU, alpha: 0.03f)]
[Dense(16, Activation.Sigmoid)]
[Dense(13, Activation.Tanh)]
[Dense(9)]
[Dense(8, Activation.ReLU, bias: false)]
[Dense(7, Activation.LeakyReLU, alpha: 0.01f)]
[Dense(5, Activation.Sigmoid)]
[Dense(1, Activation.Tanh)]
[MeanSquaredError]
public partial class OddNarrowingNet;

// MNIST's reference shapes, for the kernel tests at full size.
[Input(784)]
[Dense(512, Activation.ReLU)]
[Dense(10)]
[SoftmaxCrossEntropy]
public partial class MnistShapedNet;

// Zero lists built over several chunks of row blocks (ZeroSkippingTests): a forward batch of 400 rows at K = 784, a weight
// gradient over 2,100 inputs, and one row block per chunk at K = 33,000.
[Input(784)]
[Dense(40, bias: false)]
[MeanSquaredError]
public partial class ListChunksNet;

[Input(2100)]
[Dense(33, bias: false)]
[MeanSquaredError]
public partial class WideInputNet;

[Input(33000)]
[Dense(33, bias: false)]
[MeanSquaredError]
public partial class LongInputNet;

// Products big enough to split over a worker pool (WorkerPoolTests, OutOfBoundsTests): by column blocks (wide outputs),
// by row blocks (narrow outputs), and a one-row forward that splits only when its non-zero inputs select enough of W.
[Input(4099)]
[Dense(301, Activation.ReLU)]
[Dense(333, Activation.Tanh)]
[Dense(45, Activation.Sigmoid)]
[MeanSquaredError]
public partial class SplitWideNet;

[Input(1025)]
[Dense(3)]
[MeanSquaredError]
public partial class SplitTallNet;

// A reduction longer than Kernels.MaxReductionLength (OutOfBoundsTests): the kernels reject it; never instantiated.
[Input(268435455)]
[Dense(1, bias: false)]
[MeanSquaredError]
public partial class HugeInputNet;

// 48 inputs, a multiple of both tile heights, and 33 outputs, wider than a vector (ZeroSkippingTests): every tile of the
// weight gradient is a full one and lists its k.
[Input(48)]
[Dense(33, bias: false)]
[MeanSquaredError]
public partial class ZeroTermsNet;

// A dropout before a convolution whose max pooling computes its forward pass (FusedPoolingNetworkTests): the fused pass
// reads the dropout's output while training and its input outside training.
[Input(1, 12, 12)]
[Conv2D(2, kernel: 1)]
[Dropout(0.2)]
[Conv2D(3, kernel: 3, activation: Activation.ReLU)]
[MaxPool2D(2)]
[Dense(2)]
[MeanSquaredError]
public partial class DropoutThenPooledConvNet;

// 50 inputs, 2 past a multiple of both tile heights (ZeroSkippingTests): the weight gradient's last row block is a short
// one, and so is the forward product's at batch 26.
[Input(50)]
[Dense(33, bias: false)]
[MeanSquaredError]
public partial class ZeroTermsTailNet;
