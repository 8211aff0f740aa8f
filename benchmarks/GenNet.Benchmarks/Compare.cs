using System.Diagnostics;
using System.Globalization;
using GenNet.Data;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// The GenNet side of benchmarks/compare-pytorch.sh: the same three measurements benchmarks/pytorch_epoch.py makes,
/// printed as one JSON line. Warm-up (JIT tiering, page faults) precedes every measurement: one epoch, and a second of
/// Forward and of Predict rounds; each figure is the median of its repeats, and the best is printed next to it.
/// <c>epoch_model_gflops</c> is the model's dense FLOPs (98.3 G an epoch) over the epoch time: GenNet leaves out the
/// terms of zero inputs, so on MNIST it can exceed the cores' FMA peak; <c>--dense-input</c> measures without zeros.
/// <c>--network convnet</c> measures MnistConvNet instead (Adam unless <c>--optimizer</c> says otherwise; ≈ 855 GFLOP
/// an epoch, <see cref="ConvFlops"/>), the counterpart of <c>pytorch_epoch.py --network convnet</c>.
/// </summary>
internal static class Compare
{
    public static int Run(string[] args)
    {
        int threads = 1, epochs = 3, predictChunk = 128;
        string? optimizerName = null;
        string network = "mlp512";
        bool denseInput = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads" or "--epochs" or "--predict-chunk":
                    // At least 1: no epochs would leave nothing to time (a division by zero in the averages).
                    if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                    {
                        Console.Error.WriteLine($"{args[i]} takes a whole number of at least 1.");
                        return 2;
                    }
                    if (args[i] == "--threads")
                    {
                        threads = count;
                    }
                    else if (args[i] == "--epochs")
                    {
                        epochs = count;
                    }
                    else
                    {
                        predictChunk = count;
                    }
                    i++;
                    break;
                case "--dense-input": denseInput = true; break;
                case "--network" when i + 1 < args.Length && args[i + 1] is "mlp512" or "convnet" or "narrow":
                    network = args[++i];
                    break;
                case "--optimizer" when i + 1 < args.Length && Optimizers.Names.Contains(args[i + 1], StringComparer.OrdinalIgnoreCase):
                    optimizerName = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}; usage: --compare [--network mlp512|convnet|narrow] [--threads N] [--epochs E] [--predict-chunk C] [--optimizer {string.Join('|', Optimizers.Names)}] [--dense-input]");
                    return 2;
            }
        }

        LabeledImages train = BenchData.Train, test = BenchData.Test;
        if (denseInput)
        {
            // Every zero pixel replaced by a small value: no input term can be skipped (Gemm/Kernels.Gemm.cs, "Zero
            // skipping"), so this is the cost of a dataset without zeros, e.g. mean-subtracted pixels.
            (train, test) = (Densified(train), Densified(test));
        }

        Func<int, IClassifier> create = network switch
        {
            "convnet" => batch => new MnistConvNet(batch, seed: 1, threads: threads),
            "narrow" => batch => new NarrowMlp(batch, seed: 1, threads: threads),
            _ => batch => new MnistMlp(batch, seed: 1, threads: threads),
        };
        double trainFlopsPerImage = network switch
        {
            "convnet" => ConvFlops.TrainPerImage,
            "narrow" => BenchData.Flops.NarrowTrain,
            _ => BenchData.Flops.Train,
        };
        optimizerName ??= network switch { "convnet" => "adam", "narrow" => "momentum", _ => "rmsprop" };

        // Training: RMSprop for the MLP, Adam for the convnet, momentum SGD for the narrow net (--optimizer picks
        // another); batch 128, or 800 for the narrow net (issue #15's setting); shuffled each epoch, the batch copy included.
        int trainBatch = network == "narrow" ? BenchData.NarrowBatchSize : BenchData.BatchSize;
        using IClassifier net = create(trainBatch);
        Optimizer optimizer = Optimizers.Create(optimizerName, net.ParameterCount);
        var sampler = new BatchSampler(train, trainBatch, new Rng(7));
        EpochBenchmarks.RunEpoch(net, sampler, optimizer);
        var epochSeconds = new double[epochs];
        // CPU time of the process next to wall time: on a shared machine the wall clock also counts time slices other
        // processes took, the CPU time mostly does not (their cache pollution it does).
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < epochs; e++)
        {
            long t0 = Stopwatch.GetTimestamp();
            EpochBenchmarks.RunEpoch(net, sampler, optimizer);
            epochSeconds[e] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        long allocatedPerEpoch = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / epochs;
        process.Refresh();
        double cpuPerEpoch = (process.TotalProcessorTime - cpuBefore).TotalSeconds / epochs;
        int correct = net.Evaluate(test.Pixels, test.Labels, test.Count);

        // Single-image forward over the test images, one at a time, on a network built with the same thread count.
        using IClassifier single = create(1);
        var probabilities = new float[BenchData.Classes];
        const int images = 2000;
        var forwardMicros = new List<double>();
        // Warm up for a second, not one round: the one-row kernels run only here, and tiered compilation promotes them
        // ≈ 100 ms after their last tier-0 call, so the first two or three rounds ran 40–90 µs per image.
        WarmUp(() =>
        {
            for (int i = 0; i < images; i++)
            {
                single.Forward(test.Image(i), probabilities);
            }
        });
        for (int round = 0; round < 10; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < images; i++)
            {
                single.Forward(test.Image(i), probabilities);
            }
            forwardMicros.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / images);
        }

        // Batched inference: Predict on the 10,000 test images.
        using IClassifier batched = create(predictChunk);
        var outputs = new float[test.Count * BenchData.Classes];
        var predictSeconds = new List<double>();
        WarmUp(() => batched.Predict(test.Pixels, outputs, test.Count));
        for (int round = 0; round < 10; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            batched.Predict(test.Pixels, outputs, test.Count);
            predictSeconds.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        double epochMedian = Median(epochSeconds), predictMedian = Median(predictSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"gennet\",\"network\":\"{network}\",\"threads\":{threads},\"optimizer\":\"{optimizerName}\",\"epoch_s\":{epochMedian:F4},\"epoch_s_min\":{epochSeconds.Min():F4}," +
            $"\"input\":\"{(denseInput ? "dense" : "as-is")}\",\"epoch_cpu_s\":{cpuPerEpoch:F4},\"epoch_model_gflops\":{trainFlopsPerImage * train.Count / epochMedian / 1e9:F1},\"alloc_bytes_per_epoch\":{allocatedPerEpoch}," +
            $"\"test_accuracy\":{(double)correct / test.Count:F4},\"forward_us\":{Median(forwardMicros):F2},\"forward_us_min\":{forwardMicros.Min():F2}," +
            $"\"predict_images_per_s\":{test.Count / predictMedian:F0},\"predict_images_per_s_max\":{test.Count / predictSeconds.Min():F0}," +
            $"\"data\":\"{BenchData.Source}\"}}"));
        return 0;
    }

    private static LabeledImages Densified(LabeledImages images)
    {
        float[] pixels = images.Pixels.Select((v, i) => v != 0f ? v : 0.001f * (1 + i % 7)).ToArray();
        return new LabeledImages(pixels, images.Labels, images.Rows, images.Columns, images.ClassCount);
    }

    /// <summary>Runs <paramref name="round"/> for at least a second (and at least three times).</summary>
    private static void WarmUp(Action round)
    {
        long t0 = Stopwatch.GetTimestamp();
        for (int n = 0; n < 3 || Stopwatch.GetElapsedTime(t0).TotalSeconds < 1.0; n++)
        {
            round();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
