using BenchmarkDotNet.Running;
using GenNet.Benchmarks;

// Two modes:
//   dotnet run -c Release -- [BenchmarkDotNet arguments]      the suite, e.g. --filter '*TrainStep*' --job short
//   dotnet run -c Release -- --compare --threads N [--epochs E] one JSON line for benchmarks/compare-pytorch.sh
if (args.Length > 0 && args[0] == "--compare")
{
    return Compare.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(BenchData).Assembly).Run(args);
return 0;
