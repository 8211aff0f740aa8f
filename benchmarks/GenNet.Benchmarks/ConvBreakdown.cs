using System.Diagnostics;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// <c>--conv-breakdown [--threads N] [--peak GFLOPS]</c>: every call of one MnistConvNet training step on a batch of 128
/// MNIST training images, timed alone (best of 5 rounds of 20 calls, wall clock), with the share of the step and, for the
/// convolutions, GFLOP/s and % of peak (117 GFLOP/s per core unless given).
/// </summary>
internal static class ConvBreakdown
{
    public static int Run(string[] args)
    {
        if (Breakdown.ParseArguments(args) is not var (threads, peak))
        {
            return 2;
        }
        const int batch = BenchData.BatchSize;
        using var net = new MnistConvNet(batch, seed: 0, threads: threads);
        WorkerPool? pool = net.Workers;
        var images = BenchData.Train.Pixels.AsSpan(0, batch * 784).ToArray();
        var labels = BenchData.Train.Labels.AsSpan(0, batch).ToArray();
        var optimizer = new Adam(MnistConvNet.ParameterCount);
        for (int i = 0; i < 20; i++)
        {
            net.TrainStep(images, labels, batch, optimizer);
        }

        Conv2DGeometry g1 = ConvFlops.Conv1, g3 = ConvFlops.Conv3;
        var pool1 = new Pool2DGeometry(32, 26, 26, 2, 2, 13, 13);
        var pool2 = new Pool2DGeometry(64, 11, 11, 2, 2, 5, 5);
        float[] w1 = new float[g1.WeightCount], b1 = new float[32], w3 = new float[g3.WeightCount], b3 = new float[64];
        net.Parameters.Slice(0, w1.Length).CopyTo(w1);
        net.Parameters.Slice(w1.Length + 32, w3.Length).CopyTo(w3);
        float[] a1 = new float[batch * g1.OutputSize], a2 = new float[batch * pool1.OutputSize], a3 = new float[batch * g3.OutputSize];
        float[] a4 = new float[batch * pool2.OutputSize], da3 = new float[a3.Length], da2 = new float[a2.Length], da1 = new float[a1.Length];
        float[] dw1 = new float[w1.Length], db1 = new float[32], dw3 = new float[w3.Length], db3 = new float[64];
        // The step runs each convolution and its max pooling forward as one pass, which keeps the winners (i2, i4) and not
        // the convolution's output (Kernels.Conv2DMaxPool.cs), and conv1's weight gradient builds its dz from pool1's
        // gradient and winners sample by sample; a1, a3 and da1 are only for the separate lines below.
        float[] i2 = new float[a2.Length], i4 = new float[a4.Length];
        Kernels.Conv2DForward<MnistConvNet.Layer1>(a1, images, w1, b1, batch, g1, pool);
        Kernels.Conv2DMaxPoolForward<MnistConvNet.Layer1>(a2, i2, images, w1, b1, batch, g1, pool1, pool);
        Kernels.Conv2DForward<MnistConvNet.Layer3>(a3, a2, w3, b3, batch, g3, pool);
        Kernels.Conv2DMaxPoolForward<MnistConvNet.Layer3>(a4, i4, a2, w3, b3, batch, g3, pool2, pool);
        var rng = new Rng(3);
        for (int i = 0; i < da3.Length; i++)
        {
            da3[i] = a3[i] > 0 ? rng.NextFloat() - 0.5f : 0f;
        }
        var da4 = new float[a4.Length];
        for (int i = 0; i < da4.Length; i++)
        {
            da4[i] = rng.NextFloat() - 0.5f;
        }
        float[] w6 = net.Parameters.Slice(w1.Length + 32 + w3.Length + 64, 1600 * 10).ToArray(), b6 = new float[10];
        float[] d5 = new float[a4.Length], m5 = new float[a4.Length], a6 = new float[batch * 10], da6 = new float[batch * 10];
        float[] dw6 = new float[w6.Length], db6 = new float[10];
        var dropoutRng = new Rng(5);
        Kernels.SoftmaxCrossEntropy(da6, a6, labels, batch, 10, 1f / batch);
        double conv1 = 2.0 * g1.OutHeight * g1.OutWidth * g1.Filters * g1.Channels * 9 * batch;
        double conv3 = 2.0 * g3.OutHeight * g3.OutWidth * g3.Filters * g3.Channels * 9 * batch;

        Console.WriteLine($"MnistConvNet, batch {batch}, {threads} thread(s), {BenchData.Source}, vector width {Kernels.VectorWidth}, peak {peak} GFLOP/s");
        // Separately, for comparison and outside the sum: the convolutions alone and the poolings on their stored output.
        var separate = new List<(string Name, double Us, double Flops)>
        {
            ("conv1 forward alone", Time(() => Kernels.Conv2DForward<MnistConvNet.Layer1>(a1, images, w1, b1, batch, g1, pool)), conv1),
            ("pool1 forward alone", Time(() => Kernels.MaxPool2DForward(a2, a1, batch, pool1, pool)), 0),
            ("conv2 forward alone", Time(() => Kernels.Conv2DForward<MnistConvNet.Layer3>(a3, a2, w3, b3, batch, g3, pool)), conv3),
            ("pool2 forward alone", Time(() => Kernels.MaxPool2DForward(a4, a3, batch, pool2, pool)), 0),
            ("pool1 backward alone", Time(() => Kernels.MaxPool2DBackwardFromWinners(da1, da2, a2, i2, batch, pool1, pool, Activation.ReLU)), 0),
            ("conv1 dW, db alone", Time(() => Kernels.Conv2DBackwardParameters<MnistConvNet.Layer1>(dw1, db1, images, da1, batch, g1, pool)), conv1),
        };
        var rows = new List<(string Name, double Us, double Flops)>
        {
            ("conv1 + pool1 forward (1→32, 28×28)", Time(() => Kernels.Conv2DMaxPoolForward<MnistConvNet.Layer1>(a2, i2, images, w1, b1, batch, g1, pool1, pool)), conv1),
            ("conv2 + pool2 forward (32→64, 13×13)", Time(() => Kernels.Conv2DMaxPoolForward<MnistConvNet.Layer3>(a4, i4, a2, w3, b3, batch, g3, pool2, pool)), conv3),
            ("pool2 backward from winners, ReLU′", Time(() => Kernels.MaxPool2DBackwardFromWinners(da3, da4, a4, i4, batch, pool2, pool, Activation.ReLU)), 0),
            ("conv2 dW, db", Time(() => Kernels.Conv2DBackwardParameters<MnistConvNet.Layer3>(dw3, db3, a2, da3, batch, g3, pool)), conv3),
            ("conv2 dX", Time(() => Kernels.Conv2DBackwardInput<MnistConvNet.Layer3>(da2, da3, w3, batch, g3, pool)), conv3),
            ("conv1 dW, db from pool1's winners", Time(() => Kernels.Conv2DBackwardParametersFromWinners<MnistConvNet.Layer1>(dw1, db1, images, da2, a2, i2, batch, g1, pool1, pool)), conv1),
            ("dropout forward (one draw a value)", Time(() => Kernels.DropoutForward(d5, m5, a4, 0.5f, dropoutRng)), 0),
            ("Dense 1600→10: forward, dW, dX", Time(() =>
            {
                Kernels.DenseForward<MnistConvNet.Layer6>(a6, d5, w6, b6, batch, pool);
                Kernels.DenseBackwardParameters<MnistConvNet.Layer6>(dw6, db6, d5, da6, batch, pool);
                Kernels.DenseBackwardInput<MnistConvNet.Layer6>(da4, da6, w6, default, batch, pool);
            }), 0),
            ("Adam step (34,826 parameters)", Time(() => optimizer.Step(net.Parameters, net.Gradients, pool)), 0),
        };
        double step = Time(() => net.TrainStep(images, labels, batch, optimizer));
        double sum = rows.Sum(r => r.Us);
        foreach ((string name, double us, double flops) in rows)
        {
            string rate = flops > 0 ? $"  {flops / us / 1e3,6:F1} GFLOP/s  {100 * flops / us / 1e3 / peak,3:F0}% of peak" : "";
            Console.WriteLine($"{name,-32} {us,9:F1} µs  {100 * us / step,5:F1}% of step{rate}");
        }
        double stepFlops = ConvFlops.TrainPerImage * batch;
        Console.WriteLine($"{"sum of the parts",-32} {sum,9:F1} µs");
        foreach ((string name, double us, double flops) in separate)
        {
            string rate = flops > 0 ? $"  {flops / us / 1e3,6:F1} GFLOP/s  {100 * flops / us / 1e3 / peak,3:F0}% of peak" : "";
            Console.WriteLine($"({name,-30} {us,9:F1} µs{rate})");
        }
        Console.WriteLine($"{"TrainStep as generated",-32} {step,9:F1} µs  {stepFlops / step / 1e3,6:F1} GFLOP/s  {100 * stepFlops / step / 1e3 / peak,3:F0}% of peak; {1e6 * batch / step:F0} samples/s");

        // One image, as Forward and Predict of a single sample run it (best of 5 rounds of 2,000 calls).
        using var single = new MnistConvNet(1, seed: 0, threads: threads);
        net.Parameters.CopyTo(single.Parameters);
        var probabilities = new float[10];
        float[] image = images.AsSpan(0, 784).ToArray(), pooled1 = a2.AsSpan(0, pool1.OutputSize).ToArray(), pooled2 = new float[pool2.OutputSize];
        var oneImage = new List<(string Name, double Us, double Flops)>
        {
            ("conv1 + pool1 forward", Time(() => Kernels.Conv2DMaxPoolForward<MnistConvNet.Layer1>(pooled1, default, image, w1, b1, 1, g1, pool1, single.Workers), 2000), conv1 / batch),
            ("conv2 + pool2 forward", Time(() => Kernels.Conv2DMaxPoolForward<MnistConvNet.Layer3>(pooled2, default, pooled1, w3, b3, 1, g3, pool2, single.Workers), 2000), conv3 / batch),
            ("Forward (to probabilities)", Time(() => single.Forward(image, probabilities), 2000), (conv1 + conv3) / batch),
        };
        foreach ((string name, double us, double flops) in oneImage)
        {
            Console.WriteLine($"one image: {name,-28} {us,7:F2} µs  {flops / us / 1e3,6:F1} GFLOP/s  {100 * flops / us / 1e3 / peak,3:F0}% of peak");
        }
        return 0;
    }

    private static double Time(Action call, int calls = 20)
    {
        for (int i = 0; i < 3; i++)
        {
            call();
        }
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                call();
            }
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls);
        }
        return best;
    }
}

/// <summary>FLOPs of MnistConvNet (Input(1,28,28) Conv2D(32,3,ReLU) MaxPool2D(2) Conv2D(64,3,ReLU) MaxPool2D(2) Dropout
/// Dense(10)), counted from its shapes: 2 per multiply-add.</summary>
internal static class ConvFlops
{
    public static readonly Conv2DGeometry Conv1 = new(1, 28, 28, 32, 3, 3, 1, 0, 0, 26, 26);
    public static readonly Conv2DGeometry Conv3 = new(32, 13, 13, 64, 3, 3, 1, 0, 0, 11, 11);

    private static double Product(in Conv2DGeometry g) => 2.0 * g.OutHeight * g.OutWidth * g.Filters * g.Channels * g.KernelHeight * g.KernelWidth;

    /// <summary>Forward, one image: conv1 389,376 + conv2 4,460,544 + Dense 2·1600·10 = 4,881,920.</summary>
    public static double ForwardPerImage => Product(Conv1) + Product(Conv3) + 2.0 * 1600 * 10;

    /// <summary>One training image: the forward pass, every weight gradient (as many as the forward products), and the
    /// input gradients of conv2 and the Dense layer (conv1's is never formed): 14,256,384.</summary>
    public static double TrainPerImage => 2 * ForwardPerImage + Product(Conv3) + 2.0 * 1600 * 10;

    /// <summary>One epoch of 60,000 images: ≈ 855.4 GFLOP.</summary>
    public static double TrainPerEpoch => TrainPerImage * BenchData.TrainCount;
}
