using System.Globalization;
using GenNet.Data;

namespace GenNet.Benchmarks;

/// <summary>
/// <c>--narrow-breakdown [--threads N] [--peak G]</c>: every call of one <see cref="NarrowMlp"/> training step (batch
/// 800, momentum SGD), as the generated code makes them, timed the way <see cref="Breakdown"/> times MnistMlp's.
/// </summary>
internal static class NarrowBreakdown
{
    public static int Run(string[] args)
    {
        if (Breakdown.ParseArguments(args) is not var (threads, peak))
        {
            return 2;
        }
        const int B = BenchData.NarrowBatchSize, I = 784, H = 100, O = 10;
        float[] x = BenchData.Train.Pixels.AsSpan(0, B * I).ToArray();
        int[] labels = BenchData.Train.Labels.AsSpan(0, B).ToArray();
        using var net = new NarrowMlp(B, seed: 1, threads: threads);
        WorkerPool? pool = net.Workers;
        Optimizer optimizer = Optimizers.Create("momentum", NarrowMlp.ParameterCount);
        var sampler = new BatchSampler(BenchData.Train, B, new Rng(7));
        Breakdown.WarmUp(() => net.TrainStep(x, labels, B, optimizer));
        float[] p = net.Parameters.ToArray();
        float[] w1 = p[..(I * H)], w2 = p[(I * H)..(I * H + H * H)], w3 = p[(I * H + H * H)..];
        float[] g = new float[p.Length];
        float[] dw1 = new float[I * H], dw2 = new float[H * H], dw3 = new float[H * O];
        float[] a1 = new float[B * H], a2 = new float[B * H], a3 = new float[B * O];
        float[] da1 = new float[B * H], da2 = new float[B * H], da3 = new float[B * O];
        Kernels.DenseForward<NarrowMlp.Layer1>(a1, x, w1, default, B, pool);
        Kernels.DenseForward<NarrowMlp.Layer2>(a2, a1, w2, default, B, pool);
        Kernels.DenseForward<NarrowMlp.Layer3>(a3, a2, w3, default, B, pool);
        Kernels.SoftmaxCrossEntropy(da3, a3, labels, B, O, 1f / B);
        Kernels.DenseBackwardInput<NarrowMlp.Layer3>(da2, da3, w3, a2, B, pool);
        Kernels.DenseBackwardInput<NarrowMlp.Layer2>(da1, da2, w2, a1, B, pool);

        var rows = new List<(string Name, double Micros, double Flops)>
        {
            Breakdown.Measure("input check (Guard.Finite, 800×784)", 0, () => Guard.Finite(x, I, 0, "inputs")),
            Breakdown.Measure("L1 forward (800×784×100), MNIST batch", 0, () => Kernels.DenseForward<NarrowMlp.Layer1>(a1, x, w1, default, B, pool)),
            Breakdown.Measure("L2 forward (800×100×100)", 2.0 * B * H * H, () => Kernels.DenseForward<NarrowMlp.Layer2>(a2, a1, w2, default, B, pool)),
            Breakdown.Measure("L3 forward (800×100×10)", 2.0 * B * H * O, () => Kernels.DenseForward<NarrowMlp.Layer3>(a3, a2, w3, default, B, pool)),
            Breakdown.Measure("softmax + cross-entropy (800×10)", 0, () => Kernels.SoftmaxCrossEntropy(da3, a3, labels, B, O, 1f / B)),
            Breakdown.Measure("L3 dW3 (100×10, k 800)", 2.0 * B * H * O, () => Kernels.DenseBackwardParameters<NarrowMlp.Layer3>(dw3, default, a2, da3, B, pool)),
            Breakdown.Measure("L3 dz2 (800×100, k 10)", 2.0 * B * H * O, () => Kernels.DenseBackwardInput<NarrowMlp.Layer3>(da2, da3, w3, a2, B, pool)),
            Breakdown.Measure("L2 dW2 (100×100, k 800)", 2.0 * B * H * H, () => Kernels.DenseBackwardParameters<NarrowMlp.Layer2>(dw2, default, a1, da2, B, pool)),
            Breakdown.Measure("L2 dz1 (800×100, k 100)", 2.0 * B * H * H, () => Kernels.DenseBackwardInput<NarrowMlp.Layer2>(da1, da2, w2, a1, B, pool)),
            Breakdown.Measure("L1 dW1 (784×100, k 800), MNIST batch", 0, () => Kernels.DenseBackwardParameters<NarrowMlp.Layer1>(dw1, default, x, da1, B, pool)),
            Breakdown.Measure("momentum SGD step (89,400 parameters)", 0, () => optimizer.Step(p, g, pool)),
            Breakdown.Measure("TrainStep (generated)", 0, () => net.TrainStep(x, labels, B, optimizer)),
            Breakdown.Measure("batch gather (800 shuffled images, outside TrainStep)", 0, () =>
            {
                if (!sampler.TryNextBatch(out _, out _, out _, pool))
                {
                    sampler.TryNextBatch(out _, out _, out _, pool);
                }
            }),
        };
        double parts = rows.Where(r => !r.Name.StartsWith("TrainStep", StringComparison.Ordinal) && !r.Name.StartsWith("batch", StringComparison.Ordinal)).Sum(r => r.Micros);
        Breakdown.PrintTable(rows, threads, peak);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sum of the TrainStep parts | {parts:F1} | | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| an epoch: 75 × (TrainStep + gather) | {75 * (rows[^2].Micros + rows[^1].Micros) / 1e3:F1} ms | | |"));
        return 0;
    }
}
