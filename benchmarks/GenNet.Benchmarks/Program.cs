using BenchmarkDotNet.Running;
using GenNet.Benchmarks;

// Six modes:
//   dotnet run -c Release -- [BenchmarkDotNet arguments]      the suite, e.g. --filter '*TrainStep*' --job short
//   dotnet run -c Release -- --compare --threads N [--epochs E] one JSON line for benchmarks/compare-pytorch.sh
//   dotnet run -c Release -- --breakdown [--peak GFLOPS]          the calls of one training step, 1 thread, CPU time
//   dotnet run -c Release -- --conv-breakdown [--threads N] [--peak G] the calls of one MnistConvNet training step
//   dotnet run -c Release -- --narrow-breakdown [--threads N]   the calls of one NarrowMlp training step (batch 800)
//   dotnet run -c Release -- --fma-peak                        this core's measured FMA peak, Vector256 and Vector512
if (args.Length > 0 && args[0] == "--breakdown")
{
    return Breakdown.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "--conv-breakdown")
{
    return ConvBreakdown.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "--narrow-breakdown")
{
    return NarrowBreakdown.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "--fma-peak")
{
    return FmaPeak.Run();
}
if (args.Length > 0 && args[0] == "--compare")
{
    return Compare.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(BenchData).Assembly).Run(args);
return 0;
