using GenNet.Data;
using GenNet.Models;
using GenNet.Serialization;
using GenNet.Training;

namespace GenNet.Tests.Networks;

/// <summary>Networks built by <c>ForInference</c>: the trained network's answers, less memory, no training.</summary>
public class InferenceOnlyTests
{
    private static float[] Inputs(int count, int width, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[count * width];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextFloat();
        }
        return x;
    }

    [Fact]
    public void A_loaded_inference_network_predicts_what_the_trained_one_does()
    {
        using var folder = new Data.TempDirectory();
        string path = folder.File("dropout.gnn");
        // Dropout, so the mask arena that inference leaves out is really in use while training.
        float[] x = Inputs(40, DropoutNet.InputSize, 1);
        int[] labels = Enumerable.Range(0, 40).Select(i => i % 3).ToArray();
        using var trained = new DropoutNet(maxBatchSize: 40, seed: 2);
        var adam = new Adam(DropoutNet.ParameterCount, 0.01f);
        for (int step = 0; step < 20; step++)
        {
            trained.TrainStep(x, labels, 40, adam);
        }
        ModelFile.Save(trained, path);

        using var inference = DropoutNet.ForInference(maxBatchSize: 7, threads: 2);
        ModelFile.Load(inference, path);
        Assert.True(inference.IsInferenceOnly);
        Assert.False(trained.IsInferenceOnly);
        Assert.Equal(0, inference.Gradients.Length);

        float[] expected = new float[40 * DropoutNet.OutputSize], actual = new float[40 * DropoutNet.OutputSize];
        trained.Predict(x, expected, 40);
        inference.Predict(x, actual, 40);
        Assert.Equal(expected, actual);
        float[] one = new float[DropoutNet.OutputSize];
        inference.Forward(x.AsSpan(0, DropoutNet.InputSize), one);
        Assert.Equal(expected.AsSpan(0, DropoutNet.OutputSize).ToArray(), one);
        Assert.Equal(trained.Evaluate(x, labels, 40, out float trainedLoss), inference.Evaluate(x, labels, 40, out float inferenceLoss));
        Assert.Equal(trainedLoss, inferenceLoss);
    }

    [Fact]
    public void An_inference_network_refuses_to_train()
    {
        using var net = TinyReluNet.ForInference(maxBatchSize: 4);
        float[] x = new float[4 * TinyReluNet.InputSize];
        int[] y = new int[4];
        Assert.Contains("ForInference", Assert.Throws<InvalidOperationException>(() => net.ComputeGradients(x, y, 4)).Message);
        Assert.Throws<InvalidOperationException>(() => net.TrainStep(x, y, 4, new Sgd(TinyReluNet.ParameterCount)));
        using var regressor = RegressorNet.ForInference();
        Assert.Throws<InvalidOperationException>(() => regressor.TrainStep(new float[3], new float[2], 1, new Sgd(RegressorNet.ParameterCount)));
        var data = Dataset.Classification(x, y, TinyReluNet.InputSize, 3);
        Assert.Contains("inference only", Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(TinyReluNet.ParameterCount), new BatchSampler(data, 4, new Rng(1)))).Message);
    }

    [Fact]
    public void An_inference_network_allocates_less_than_the_training_one()
    {
        // The convnet: the gradient arena, and per batch row the activation-gradient and mask floats, are left out.
        const int batch = 128;
        long training = Allocated(() => new MnistConvNet(batch).Dispose());
        long inference = Allocated(() => MnistConvNet.ForInference(batch).Dispose());
        long saved = training - inference;
        long expected = sizeof(float) * ((long)MnistConvNet.ParameterCount + batch * (long)(TrainingFloatsPerSample()));
        Assert.True(saved >= expected, $"training {training:N0} B, inference {inference:N0} B: saved {saved:N0}, expected at least {expected:N0}");

        // The least of three builds after a warm-up: the runtime itself may allocate a few KB on this thread now and
        // then (type loading, tiered compilation), which is not the network's.
        static long Allocated(Action build)
        {
            build();
            long least = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                build();
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            return least;
        }
    }

    /// <summary>Activation-gradient plus mask floats per batch row, read from the generated header's constants.</summary>
    private static int TrainingFloatsPerSample()
    {
        var type = typeof(MnistConvNet);
        int Constant(string name) => (int?)type.GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)?.GetValue(null)
            ?? throw new MissingFieldException(type.Name, name);
        return Constant("ActivationGradientsPerRow") + Constant("MasksPerRow");
    }
}
