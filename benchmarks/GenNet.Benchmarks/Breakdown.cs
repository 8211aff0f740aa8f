using System.Diagnostics;
using System.Globalization;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// <c>--breakdown [--threads N] [--peak G]</c>: the cost of each call a batch-128 training step makes, as the generated
/// code makes them, measured in process CPU time on one thread (steadier than the wall clock on a shared machine) or in
/// wall-clock time with N threads, best of five ~60 ms rounds per line. The lines add up to about one TrainStep; the
/// kernel lines call the generated layers of MnistMlp (MnistMlp.Layer1, .Layer2), whose tiles TrainStep runs. The
/// GEMM lines also show GFLOP/s and % of the FMA peak (<c>--peak</c>: GFLOP/s per core, default 117: Zen 4,
/// 2×256-bit FMA at 3.65 GHz; multiplied by N).
/// </summary>
internal static class Breakdown
{
    private const string SerialStep = "RMSprop step (407,050 parameters)";

    private static bool s_wallClock;

    public static int Run(string[] args)
    {
        if (ParseArguments(args) is not var (threads, peak))
        {
            return 2;
        }
        const int B = BenchData.BatchSize, I = 784, H = 512, O = 10;
        float[] x = BenchData.Train.Pixels.AsSpan(0, B * I).ToArray();
        int[] labels = BenchData.Train.Labels.AsSpan(0, B).ToArray();
        using var net = new MnistMlp(B, seed: 1, threads: threads);
        // The network's own pool serves every line: a second pool's spinning workers would fight it for the cores.
        WorkerPool? pool = net.Workers;
        var optimizer = new RmsProp(MnistMlp.ParameterCount);
        var sampler = new GenNet.Data.BatchSampler(BenchData.Train, B, new Rng(7));
        // Realistic activations: one real step fills them.
        net.TrainStep(x, labels, B, optimizer);
        Span<float> p = net.Parameters;
        float[] w1 = p.Slice(0, I * H).ToArray(), b1 = p.Slice(I * H, H).ToArray();
        float[] w2 = p.Slice(I * H + H, H * O).ToArray(), b2 = p.Slice(I * H + H + H * O, O).ToArray();
        float[] a1 = new float[B * H], a2 = new float[B * O], da1 = new float[B * H], da2 = new float[B * O];
        float[] gradients = new float[MnistMlp.ParameterCount];
        float[] parameters = p.ToArray();
        Kernels.DenseForward<MnistMlp.Layer1>(a1, x, w1, b1, B);
        Kernels.DenseForward<MnistMlp.Layer2>(a2, a1, w2, b2, B);
        Kernels.SoftmaxCrossEntropy(da2, a2, labels, B, O, 1f / B);
        Kernels.DenseBackwardInput<MnistMlp.Layer2>(da1, da2, w2, a1, B);
        // Tiles skip the k at which all of their inputs are zero (Gemm/Kernels.Gemm.cs, "Zero skipping"): the MNIST lines
        // depend on the images' zeros, the dense lines (zeros replaced by small values) do every FMA and carry the GFLOP/s.
        float[] xDense = x.Select((v, i) => v != 0f ? v : 0.001f * (1 + i % 7)).ToArray();
        float[] x1 = BenchData.Test.Image(0).ToArray(), h1 = new float[H], z1 = new float[O], p1 = new float[O];
        float[] dense1 = x1.Select((v, i) => v != 0f ? v : 0.001f * (1 + i % 7)).ToArray();
        WarmUp(() =>
        {
            net.TrainStep(xDense, labels, B, optimizer);
            net.TrainStep(x, labels, B, optimizer);
        });

        // The calls TrainStep makes, in its order, with the generated code's arguments.
        var rows = new List<(string Name, double Micros, double Flops)>
        {
            Measure("L1 forward x·W1+b1, ReLU (128×784×512), dense input", 2.0 * B * I * H, () => Kernels.DenseForward<MnistMlp.Layer1>(a1, xDense, w1, b1, B, pool)),
            Measure("L1 forward x·W1+b1, ReLU, MNIST batch", 0, () => Kernels.DenseForward<MnistMlp.Layer1>(a1, x, w1, b1, B, pool)),
            Measure("L2 forward a1·W2+b2 (128×512×10)", 2.0 * B * H * O, () => Kernels.DenseForward<MnistMlp.Layer2>(a2, a1, w2, b2, B, pool)),
            Measure("softmax + cross-entropy (128×10)", 0, () => Kernels.SoftmaxCrossEntropy(da2, a2, labels, B, O, 1f / B)),
            Measure("L2 dW2 = a1ᵀ·dz2, db2 (512×10, k 128)", 2.0 * B * H * O,
                () => Kernels.DenseBackwardParameters<MnistMlp.Layer2>(gradients.AsSpan(I * H + H, H * O), gradients.AsSpan(I * H + H + H * O, O), a1, da2, B, pool)),
            Measure("L2 dz1 = (dz2·W2ᵀ) ⊙ [a1 > 0] (128×512, k 10, ReLU′ applied in registers)", 2.0 * B * H * O, () => Kernels.DenseBackwardInput<MnistMlp.Layer2>(da1, da2, w2, a1, B, pool)),
            Measure("L1 dW1 = xᵀ·dz1, db1 (784×512, k 128), dense input", 2.0 * B * I * H,
                () => Kernels.DenseBackwardParameters<MnistMlp.Layer1>(gradients.AsSpan(0, I * H), gradients.AsSpan(I * H, H), xDense, da1, B, pool)),
            Measure("L1 dW1 = xᵀ·dz1, db1, MNIST batch", 0,
                () => Kernels.DenseBackwardParameters<MnistMlp.Layer1>(gradients.AsSpan(0, I * H), gradients.AsSpan(I * H, H), x, da1, B, pool)),
            Measure(SerialStep, 0, () => optimizer.Step(parameters, gradients)),
            Measure("TrainStep (generated), dense input", BenchData.Flops.Train * B, () => net.TrainStep(xDense, labels, B, optimizer)),
            Measure("TrainStep (generated), MNIST batch (all of the MNIST lines above)", 0, () => net.TrainStep(x, labels, B, optimizer)),
            Measure("batch gather: BatchSampler.TryNextBatch (128 shuffled images, outside TrainStep)", 0, () =>
            {
                if (!sampler.TryNextBatch(out _, out _, out _, pool))
                {
                    sampler.TryNextBatch(out _, out _, out _, pool);
                }
            }),
        };
        if (pool is not null)
        {
            // TrainStep passes its pool to the optimizer: this line, not the caller-only one above, is what a step runs.
            rows.Insert(rows.FindIndex(r => r.Name == SerialStep) + 1,
                Measure($"RMSprop step split over the pool ({threads} threads)", 0, () => optimizer.Step(parameters, gradients, pool)));
        }
        // A one-sample network on the same pool would need its own workers; with --threads it is built with 1 thread, so
        // its "Forward (generated)" lines are one-thread figures (the kernel lines above them use the pool).
        using var single = new MnistMlp(1, seed: 1);
        // One sample's forward skips zero inputs (Gemm/Kernels.Gemm.OneRow.cs, RowsPart): the MNIST line depends on the image's zeros,
        // the dense line (zeros replaced by small values) reads all of W1 and is the figure for dense inputs.
        int nonZero = x1.Count(v => v != 0f);
        var forwardRows = new List<(string Name, double Micros, double Flops)>
        {
            Measure($"one image, dense input: L1 forward (1×784×512, reads all 1.6 MB of W1)", 2.0 * I * H, () => Kernels.DenseForward<MnistMlp.Layer1>(h1, dense1, w1, b1, 1, pool)),
            Measure($"one image, dense input: Forward (generated)", BenchData.Flops.Forward, () => single.Forward(dense1, p1)),
            Measure($"one MNIST test image ({nonZero} of 784 pixels non-zero): L1 forward", 0, () => Kernels.DenseForward<MnistMlp.Layer1>(h1, x1, w1, b1, 1, pool)),
            Measure("one MNIST test image: L2 forward (1×512×10)", 2.0 * H * O, () => Kernels.DenseForward<MnistMlp.Layer2>(z1, h1, w2, b2, 1, pool)),
            Measure("one MNIST test image: softmax (10)", 0, () => Kernels.Softmax(p1, z1, 1, O)),
            Measure("one MNIST test image: Forward (generated)", 0, () => single.Forward(x1, p1)),
        };
        double parts = rows.Where(r => !r.Name.StartsWith("TrainStep", StringComparison.Ordinal) && !r.Name.StartsWith("batch gather", StringComparison.Ordinal)
            && !r.Name.EndsWith("dense input", StringComparison.Ordinal) && !(pool is not null && r.Name == SerialStep)).Sum(r => r.Micros);
        rows.AddRange(forwardRows);
        PrintTable(rows, threads, peak);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sum of the TrainStep parts (MNIST batch) | {parts:F1} | | |"));
        return 0;
    }

    /// <summary><c>[--threads N] [--peak G]</c>: the thread count (wall-clock timing above 1) and the peak of N cores, or
    /// null after printing what is wrong with the arguments.</summary>
    internal static (int Threads, double Peak)? ParseArguments(string[] args)
    {
        double peak = 117;
        int threads = 1;
        for (int i = 0; i < args.Length; i++)
        {
            bool ok = args[i] switch
            {
                "--peak" => i + 1 < args.Length && double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out peak) && peak > 0,
                "--threads" => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out threads) && threads >= 1,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"bad argument near '{args[i]}'; usage: [--threads N (at least 1)] [--peak GFLOPS per core (above 0)]");
                return null;
            }
        }
        s_wallClock = threads > 1;
        return (threads, peak * threads);
    }

    /// <summary>The rows as a Markdown table, with GFLOP/s and % of <paramref name="peak"/> where a row counts FLOPs.</summary>
    internal static void PrintTable(IEnumerable<(string Name, double Micros, double Flops)> rows, int threads, double peak)
    {
        Console.WriteLine($"| call | µs per call ({(s_wallClock ? $"wall clock, {threads} threads" : "CPU")}) | GFLOP/s | % of {peak:F0} GFLOP/s peak |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, micros, flops) in rows)
        {
            string rate = flops > 0 ? (flops / micros / 1e3).ToString("F1", CultureInfo.InvariantCulture) : "";
            string share = flops > 0 ? (flops / micros / 1e3 / peak * 100).ToString("F0", CultureInfo.InvariantCulture) + "%" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {micros:F1} | {rate} | {share} |"));
        }
    }

    /// <summary>
    /// Runs <paramref name="step"/> for a second, so the engine code every line shares is fully optimised before the
    /// first line is timed: tiered compilation promotes it ≈ 100 ms after its 30th call, and the first line (the dense
    /// forward product) measured 1315 µs against 1010–1040 µs in a standalone loop (AVX2, Zen 4).
    /// </summary>
    internal static void WarmUp(Action step)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 1.0)
        {
            step();
        }
    }

    internal static (string, double, double) Measure(string name, double flops, Action body)
    {
        for (int i = 0; i < 20; i++)
        {
            body();
        }
        using var process = Process.GetCurrentProcess();
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            // Calibrate the count to ~60 ms, then take the best of five rounds.
            int count = 0;
            process.Refresh();
            TimeSpan start = process.TotalProcessorTime;
            long wall = Stopwatch.GetTimestamp();
            do
            {
                body();
                count++;
            }
            while (Stopwatch.GetElapsedTime(wall).TotalMilliseconds < 60);
            process.Refresh();
            // With worker threads the CPU time counts every thread (spinning included), so use the wall clock then.
            double micros = s_wallClock ? Stopwatch.GetElapsedTime(wall).TotalMicroseconds : (process.TotalProcessorTime - start).TotalMicroseconds;
            best = Math.Min(best, micros / count);
        }
        return (name, best, flops);
    }
}
