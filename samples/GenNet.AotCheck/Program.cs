using System.Diagnostics;
using System.Runtime;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenNet;
using GenNet.Data;
using GenNet.Models;
using GenNet.Onnx;

// Trains MnistMlp for one epoch and reports test accuracy, epoch time and which SIMD paths the binary can take.
//   GenNet.AotCheck [--data DIR] [--threads N] [--batch N] [--onnx FILE]
//   GenNet.AotCheck --info        prints the capabilities only (a quick path for start-up timing)

string? dataDirectory = null;
int threads = 1;
int batchSize = 128;
string? onnxPath = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--info":
            PrintCapabilities();
            return 0;
        case "--help" or "-h":
            Console.WriteLine("GenNet.AotCheck [--data DIR] [--threads N] [--batch N] [--onnx FILE] | --info");
            return 0;
        case "--data" when i + 1 < args.Length:
            dataDirectory = args[++i];
            break;
        case "--onnx" when i + 1 < args.Length:
            onnxPath = args[++i];
            break;
        case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out int t) && t >= 1:
            threads = t;
            i++;
            break;
        case "--batch" when i + 1 < args.Length && int.TryParse(args[i + 1], out int b) && b >= 1:
            batchSize = b;
            i++;
            break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Try --help.");
            return 2;
    }
}

dataDirectory ??= FindSharedMnist();
if (dataDirectory is null)
{
    Console.Error.WriteLine("MNIST not found: pass --data DIR (the four IDX files), or run inside a clone with ../shared/data/mnist beside it.");
    return 1;
}

PrintCapabilities();
var load = Stopwatch.StartNew();
MnistDataset mnist = MnistDataset.Load(dataDirectory);
Console.WriteLine($"data:      {mnist.Train.Count} train / {mnist.Test.Count} test images from {mnist.Directory} in {load.Elapsed.TotalSeconds:F2} s");

using var net = new MnistMlp(batchSize, seed: 0, threads: threads);
var optimizer = new RmsProp(MnistMlp.ParameterCount);
var sampler = new BatchSampler(mnist.Train, batchSize, new Rng(1));

var epoch = Stopwatch.StartNew();
double lossSum = 0;
int batches = 0;
while (sampler.TryNextBatch(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels, out int count))
{
    lossSum += net.TrainStep(inputs, labels, count, optimizer);
    batches++;
}
epoch.Stop();

int correct = net.Evaluate(mnist.Test.Pixels, mnist.Test.Labels, mnist.Test.Count, out float testLoss);
Console.WriteLine($"network:   {MnistMlp.Architecture}, batch {batchSize}, {threads} thread(s), RMSprop lr {optimizer.LearningRate}");
Console.WriteLine($"epoch:     {epoch.Elapsed.TotalSeconds:F2} s ({batches} steps, mean train loss {lossSum / batches:F4})");
Console.WriteLine($"test:      {100.0 * correct / mnist.Test.Count:F2}% accuracy ({correct}/{mnist.Test.Count}), loss {testLoss:F4}");
if (onnxPath is not null)
{
    OnnxExporter.Export(net, onnxPath);
    Console.WriteLine($"onnx:      {Path.GetFullPath(onnxPath)} ({new FileInfo(onnxPath).Length:N0} bytes)");
}
return 0;

static void PrintCapabilities()
{
    // NativeAOT compiles nothing at run time. (RuntimeFeature.IsDynamicCodeSupported is no tell: PublishAot sets it
    // false under `dotnet run` too.)
    string runtime = JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT";
    Console.WriteLine($"runtime:   {runtime}, .NET {Environment.Version}, {Environment.ProcessorCount} cores");
    Console.WriteLine($"simd:      Avx2.IsSupported={Avx2.IsSupported} Fma.IsSupported={Fma.IsSupported} " +
        $"Vector256.IsHardwareAccelerated={Vector256.IsHardwareAccelerated} Vector512.IsHardwareAccelerated={Vector512.IsHardwareAccelerated} " +
        $"Avx512F.IsSupported={Avx512F.IsSupported}");
}

// ../shared/data/mnist beside the folder holding GenNet.sln, looked for above the binary and the working directory.
static string? FindSharedMnist()
{
    foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenNet.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "mnist"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
    }
    return null;
}
