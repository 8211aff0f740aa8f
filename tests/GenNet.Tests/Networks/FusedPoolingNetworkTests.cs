namespace GenNet.Tests.Networks;

/// <summary>
/// A convolution whose max pooling computes its forward pass has no output slice and passes its input on: after a
/// dropout, that input is the dropout's output while training and the dropout's input outside training. Inference must
/// read the latter (it once read the dropout's training slice: zeros before any training, the last batch's masked values
/// after).
/// </summary>
public class FusedPoolingNetworkTests
{
    private static float[] Image(int seed) => Kernels.KernelTestData.Uniform(144, seed, 0f, 1f);

    [Fact]
    public void Inference_after_a_dropout_reads_the_dropout_input_and_not_the_last_training_batch()
    {
        using var net = new DropoutThenPooledConvNet(4, seed: 3);
        float[] x1 = Image(1), x2 = Image(2);
        var before1 = new float[2];
        var before2 = new float[2];
        net.Forward(x1, before1);
        net.Forward(x2, before2);
        Assert.NotEqual(before1, before2);

        // A training pass writes the dropout's slice; inference must not see it.
        float[] batch = Kernels.KernelTestData.Uniform(4 * 144, 5, 0f, 1f);
        net.ComputeGradients(batch, Kernels.KernelTestData.Uniform(4 * 2, 6), 4);
        var after1 = new float[2];
        net.Forward(x1, after1);
        Assert.Equal(before1, after1);

        // An inference-only copy (which never trains) with the same parameters agrees, and so does Predict.
        using DropoutThenPooledConvNet copy = DropoutThenPooledConvNet.ForInference();
        net.Parameters.CopyTo(copy.Parameters);
        var fromCopy = new float[2];
        copy.Forward(x1, fromCopy);
        Assert.Equal(before1, fromCopy);
        var predicted = new float[4];
        net.Predict([.. x1, .. x2], predicted, 2);
        Assert.Equal([.. before1, .. before2], predicted);
    }
}
