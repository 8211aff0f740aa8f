using GenNet;

namespace GenNet.Tests.Networks;

// Convolutional test networks on odd shapes: a 3-channel non-square input, stride 2 with "same" padding, an even
// kernel height with "same" padding, overlapping max-pooling windows, average pooling that leaves a column out,
// dropout after pooling and right after a convolution, 1×1 kernels, global average pooling, bias on and off.

// 3×13×7 → Conv 4@3×3 s2 same → 4×7×4 → MaxPool 2 s1 (overlapping) → 4×6×3 → Conv 3@2×3 same → 3×6×3
// → AvgPool 2 → 3×3×1 → Dropout → Dense 5 → Dense 3.
[Input(3, 13, 7)]
[Conv2D(4, 3, Activation.Tanh, stride: 2, padding: Padding.Same)]
[MaxPool2D(2, stride: 1)]
[Conv2D(3, 2, 3, Activation.LeakyReLU, padding: Padding.Same, alpha: 0.1f)]
[AvgPool2D(2)]
[Dropout(0.3f)]
[Dense(5, Activation.Sigmoid)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class OddConvNet;

// 1×6×6 → Conv 2@1×1 ReLU → 2×6×6 → GlobalAvgPool → 2 → Dense 2.
[Input(1, 6, 6)]
[Conv2D(2, 1, Activation.ReLU)]
[GlobalAvgPool2D]
[Dense(2)]
[MeanSquaredError]
public partial class PointwiseConvNet;

// 2×5×4 → Conv 3@3×3 s2 valid, no bias → 3×2×1 → Dropout → Dense 2.
[Input(2, 5, 4)]
[Conv2D(3, 3, Activation.Sigmoid, stride: 2, bias: false)]
[Dropout(0.25f)]
[Dense(2)]
[MeanSquaredError]
public partial class StridedConvDropoutNet;

// Kernel shapes for the convolution parity tests (Kernels/ConvParityTests): rows that end in every vector tail, a 5×5
// kernel with same padding, an even 4×2 kernel at stride 3, odd channel and filter counts.
// 2×9×17 → Conv 5@5×5 same LeakyReLU(0.2) → 5×9×17 → Conv 7@4×2 s3 same → 7×3×6 → Dense 2.
[Input(2, 9, 17)]
[Conv2D(5, 5, Activation.LeakyReLU, padding: Padding.Same, alpha: 0.2f)]
[Conv2D(7, 4, 2, stride: 3, padding: Padding.Same)]
[Dense(2)]
[MeanSquaredError]
public partial class OddKernelConvNet;

// 4×6×33 → Conv 2@1×1 → 4… → Conv 3@3×3 ReLU, no bias → 3×4×31 → Dense 2.
[Input(4, 6, 33)]
[Conv2D(2, 1)]
[Conv2D(3, 3, Activation.ReLU, bias: false)]
[Dense(2)]
[MeanSquaredError]
public partial class WideRowConvNet;

// A product large enough that one sample's forward product splits over the threads (see Kernels.ForwardSplits), with
// same padding and stride 2: 3×29×31 → Conv 16@5×5 s2 same ReLU → 16×15×16 → Dense 2.
[Input(3, 29, 31)]
[Conv2D(16, 5, Activation.ReLU, stride: 2, padding: Padding.Same)]
[Dense(2)]
[MeanSquaredError]
public partial class SplitConvNet;

// Products whose one sample splits over the threads with few output positions (a review found a split by bands of
// output rows running the P-wide tiles on narrower bands): 32×4×10 → Conv 64@3×3 ReLU → 64×2×8, P = 16, one vector of
// Vector512 (the product is "narrow"); 20×4×14 → Conv 64@3×3 ReLU → 64×2×12, P = 24.
[Input(32, 4, 10)]
[Conv2D(64, 3, Activation.ReLU)]
[Dense(2)]
[MeanSquaredError]
public partial class SixteenPositionsConvNet;

[Input(20, 4, 14)]
[Conv2D(64, 3, Activation.ReLU)]
[Dense(2)]
[MeanSquaredError]
public partial class TwentyFourPositionsConvNet;

// One-channel 3×3 convolutions, whose weight gradient runs by 3×3 windows (Kernels.Conv2DWeightGradient3x3.cs) when
// their filters are whole vectors: stride 2 with same padding on a non-square image, then 2×2 max pooling that leaves a
// row out (the first layer's gradient from the pooling's winners); and stride 1 with rows of 19 windows (two vectors of 8
// and a tail), no bias, under a 3×3 max pooling at stride 2.
// No activation: ReLU's kinks under max pooling would defeat the gradient check's central differences.
// 1×13×9 → Conv 16@3×3 s2 same → 16×7×5 → MaxPool 2 → 16×3×2 → Dense 3.
[Input(1, 13, 9)]
[Conv2D(16, 3, stride: 2, padding: Padding.Same)]
[MaxPool2D(2)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class GrayscaleConvNet;

// 1×12×21 → Conv 16@3×3, no bias → 16×10×19 → MaxPool 3 s2 → 16×4×9 → Dense 2.
[Input(1, 12, 21)]
[Conv2D(16, 3, bias: false)]
[MaxPool2D(3, stride: 2)]
[Dense(2)]
[MeanSquaredError]
public partial class GrayscaleRowsConvNet;


// A second convolution whose gradients run by its non-zero dz (Kernels.Conv2D*Sparse.cs) under the max pooling after
// it: channels and filters multiples of 8; 8·3·5 = 120 taps, a block of 96 and three single vectors for the input
// gradient, and patch rows of 5·8 = 40 floats, a block of 32 and a single vector, for the weight gradient; stride 2
// with same padding. No activation, for the gradient check (as above).
// 2×9×11 → Conv 8@3×3 same → 8×9×11 → Conv 16@3×5 s2 same → 16×5×6 → MaxPool 2 → 16×2×3 → Dense 3.
[Input(2, 9, 11)]
[Conv2D(8, 3, padding: Padding.Same)]
[Conv2D(16, 3, 5, stride: 2, padding: Padding.Same)]
[MaxPool2D(2)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class SparseGradientConvNet;

// The same with a 4×5 kernel, for the parity tests only: 8·4·5 = 160 taps, a block of 96 and two of 32 for the input
// gradient, and an even kernel height with same padding. (Its central differences at step 1e-4 sit at float32's noise
// and at 1e-3 cross max-pooling kinks; SparseGradientConvNet carries the gradient check.)
[Input(2, 9, 11)]
[Conv2D(8, 3, padding: Padding.Same)]
[Conv2D(16, 4, 5, stride: 2, padding: Padding.Same)]
[MaxPool2D(2)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class ListedRowsConvNet;

// Convolutions whose forward runs by Winograd F(2×2, 3×3) (Kernels.Conv2DWinograd.cs) on AVX2 and AVX-512: 3×3 at stride
// 1, channels a multiple of 8 and filters of 16. Same padding with odd output sizes (4×5 tiles, the last row and column
// of tiles half outside, 20 tiles: three register blocks of 6 and a part one), then valid padding and no bias. Smooth
// throughout (Tanh, average pooling), so the gradient check needs no step near float32's noise. (The kernel parity tests
// run the second layer under a max pooling too.)
// 8×7×9 → Conv 16@3×3 same Tanh → 16×7×9 → Conv 32@3×3, no bias → 32×5×7 → AvgPool 2 → 32×2×3 → Dense 3.
[Input(8, 7, 9)]
[Conv2D(16, 3, Activation.Tanh, padding: Padding.Same)]
[Conv2D(32, 3, bias: false)]
[AvgPool2D(2)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class WinogradConvNet;
