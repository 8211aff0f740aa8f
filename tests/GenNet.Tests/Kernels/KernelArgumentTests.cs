namespace GenNet.Tests.Kernels;

/// <summary>Every kernel validates span lengths on entry: a short span is an <see cref="ArgumentException"/>, never an out-of-bounds access.</summary>
public class KernelArgumentTests
{
    private const int B = 5, I = 7, O = 9;
    private static readonly float[] X = new float[B * I], W = new float[I * O], Bias = new float[O], Y = new float[B * O];
    private static readonly float[] Dz = new float[B * O], Dw = new float[I * O], Db = new float[O], Dx = new float[B * I];

    public static TheoryData<string> ShortSpanCases() => new(s_shortSpanCases.Keys);

    private static readonly Dictionary<string, Action> s_shortSpanCases = new()
    {
        ["DenseForward y"] = () => GenNet.Kernels.DenseForward(Y.AsSpan(1), X, W, Bias, B, I, O, Activation.ReLU, 0f),
        ["DenseForward x"] = () => GenNet.Kernels.DenseForward(Y, X.AsSpan(1), W, Bias, B, I, O, Activation.ReLU, 0f),
        ["DenseForward w"] = () => GenNet.Kernels.DenseForward(Y, X, W.AsSpan(1), Bias, B, I, O, Activation.ReLU, 0f),
        ["DenseForward bias"] = () => GenNet.Kernels.DenseForward(Y, X, W, Bias.AsSpan(1), B, I, O, Activation.ReLU, 0f),
        ["DenseBackwardParameters dw"] = () => GenNet.Kernels.DenseBackwardParameters(Dw.AsSpan(1), Db, X, Dz, B, I, O),
        ["DenseBackwardParameters db"] = () => GenNet.Kernels.DenseBackwardParameters(Dw, Db.AsSpan(1), X, Dz, B, I, O),
        ["DenseBackwardParameters x"] = () => GenNet.Kernels.DenseBackwardParameters(Dw, Db, X.AsSpan(1), Dz, B, I, O),
        ["DenseBackwardParameters dz"] = () => GenNet.Kernels.DenseBackwardParameters(Dw, Db, X, Dz.AsSpan(1), B, I, O),
        ["DenseBackwardInput dx"] = () => GenNet.Kernels.DenseBackwardInput(Dx.AsSpan(1), Dz, W, B, I, O),
        ["DenseBackwardInput dz"] = () => GenNet.Kernels.DenseBackwardInput(Dx, Dz.AsSpan(1), W, B, I, O),
        ["DenseBackwardInput w"] = () => GenNet.Kernels.DenseBackwardInput(Dx, Dz, W.AsSpan(1), B, I, O),
        ["DenseBackwardInput (with act′) y"] = () => GenNet.Kernels.DenseBackwardInput(Dx, Dz, W, X.AsSpan(1), B, I, O, Activation.ReLU, 0f),
        ["DenseBackwardInput (with act′) dx"] = () => GenNet.Kernels.DenseBackwardInput(Dx.AsSpan(1), Dz, W, X, B, I, O, Activation.Tanh, 0f),
        ["DenseBackwardParameters (overwrite) db"] = () => GenNet.Kernels.DenseBackwardParameters(Dw, Db.AsSpan(1), X, Dz, B, I, O, accumulate: false),
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
        Assert.Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.DenseForward(Y, X, W, Bias, -1, I, O, Activation.None, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.DenseBackwardInput(Dx, Dz, W, B, -1, O));
        Assert.Throws<ArgumentOutOfRangeException>(() => GenNet.Kernels.SoftmaxCrossEntropy(new float[30], new float[30], [0, 10, 1], 3, 10, 1f));
    }
}
