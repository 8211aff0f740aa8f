namespace GenNet.Tests.Kernels;

/// <summary>Every kernel validates span lengths on entry: a short span is an <see cref="ArgumentException"/>, never an out-of-bounds access.</summary>
public class KernelArgumentTests
{
    // OddNarrowingNet's tenth layer: 8 → 7, LeakyReLU; its input gradient applies ReLU′.
    private const int B = 5, I = 8, O = 7;
    private static readonly DenseLayer Layer = DenseLayer.OddShapes.Single(l => l.Inputs == I && l.Outputs == O);
    private static readonly float[] X = new float[B * I], W = new float[I * O], Bias = new float[O], Y = new float[B * O];
    private static readonly float[] Dz = new float[B * O], Dw = new float[I * O], Db = new float[O], Dx = new float[B * I];

    public static TheoryData<string> ShortSpanCases() => new(s_shortSpanCases.Keys);

    private static readonly Dictionary<string, Action> s_shortSpanCases = new()
    {
        ["DenseForward y"] = () => Layer.Forward(Y.AsSpan(1), X, W, Bias, B, null),
        ["DenseForward x"] = () => Layer.Forward(Y, X.AsSpan(1), W, Bias, B, null),
        ["DenseForward w"] = () => Layer.Forward(Y, X, W.AsSpan(1), Bias, B, null),
        ["DenseForward bias"] = () => Layer.Forward(Y, X, W, Bias.AsSpan(1), B, null),
        ["DenseBackwardParameters dw"] = () => Layer.BackwardParameters(Dw.AsSpan(1), Db, X, Dz, B, null),
        ["DenseBackwardParameters db"] = () => Layer.BackwardParameters(Dw, Db.AsSpan(1), X, Dz, B, null),
        ["DenseBackwardParameters x"] = () => Layer.BackwardParameters(Dw, Db, X.AsSpan(1), Dz, B, null),
        ["DenseBackwardParameters dz"] = () => Layer.BackwardParameters(Dw, Db, X, Dz.AsSpan(1), B, null),
        ["DenseBackwardInput dx"] = () => Layer.BackwardInput(Dx.AsSpan(1), Dz, W, X, B, null),
        ["DenseBackwardInput dz"] = () => Layer.BackwardInput(Dx, Dz.AsSpan(1), W, X, B, null),
        ["DenseBackwardInput w"] = () => Layer.BackwardInput(Dx, Dz, W.AsSpan(1), X, B, null),
        ["DenseBackwardInput (with act′) y"] = () => Layer.BackwardInput(Dx, Dz, W, X.AsSpan(1), B, null),
        ["ActivationBackward y"] = () => GenNet.Kernels.ActivationBackward(new float[10], new float[9], Activation.ReLU, 0f),
        ["SoftmaxCrossEntropy dz"] = () => GenNet.Kernels.SoftmaxCrossEntropy(new float[29], new float[30], new int[3], 3, 10, 1f),
        ["SoftmaxCrossEntropy z"] = () => GenNet.Kernels.SoftmaxCrossEntropy(new float[30], new float[29], new int[3], 3, 10, 1f),
        ["SoftmaxCrossEntropy labels"] = () => GenNet.Kernels.SoftmaxCrossEntropy(new float[30], new float[30], new int[2], 3, 10, 1f),
        ["CrossEntropyLoss z"] = () => GenNet.Kernels.CrossEntropyLoss(new float[29], new int[3], 3, 10),
        ["Softmax p"] = () => GenNet.Kernels.Softmax(new float[29], new float[30], 3, 10),
        ["CountCorrect labels"] = () => GenNet.Kernels.CountCorrect(new float[30], new int[2], 3, 10),
        ["SquaredError t"] = () => GenNet.Kernels.SquaredError(new float[10], new float[10], new float[9], 1f),
        ["SquaredError dz"] = () => GenNet.Kernels.SquaredError(new float[9], new float[10], new float[10], 1f),
    };

    [Theory]
    [MemberData(nameof(ShortSpanCases))]
    public void A_too_short_span_throws_ArgumentException(string kernelAndSpan)
        => Assert.Throws<ArgumentException>(s_shortSpanCases[kernelAndSpan]);

    [Fact]
    public void Negative_sizes_and_out_of_range_labels_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Layer.Forward(Y, X, W, Bias, -1, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => Layer.BackwardInput(Dx, Dz, W, X, -1, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.SoftmaxCrossEntropy(new float[30], new float[30], [0, 10, 1], 3, 10, 1f));
    }
}
