using System.Runtime.Intrinsics.X86;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>
/// Publishes samples/GenNet.AotCheck with NativeAOT (x86-64-v3) and runs the binary: the publish must show no trim
/// or AOT warning (they are errors here), and the binary must run natively on the AVX2 kernel path.
/// </summary>
/// <remarks>
/// 20–90 s on two cores (ILC compiles the whole program). Needs clang or gcc to link; skipped without either, or on
/// a CPU without AVX2, where an x86-64-v3 binary cannot start.
/// </remarks>
[Trait("Category", "Slow")]
[Collection(DotnetCli.Collection)]
public sealed class NativeAotTests
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(5);

    [SkippableNativeAotFact]
    public async Task AotCheck_publishes_without_warnings_and_runs_the_AVX2_kernels()
    {
        using var temp = new TempDirectory();
        string project = Path.Combine(GenNet.Tests.Data.SharedData.RepoRoot!, "samples", "GenNet.AotCheck", "GenNet.AotCheck.csproj");
        List<string> arguments = ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", temp.Path, "-nodeReuse:false",
            "-p:TrimmerSingleWarn=false"];
        if (!SkippableNativeAotFactAttribute.HasOnPath("clang"))
        {
            arguments.Add("-p:CppCompilerAndLinker=gcc");
        }

        DotnetCli.Result publish = await DotnetCli.RunAsync(GenNet.Tests.Data.SharedData.RepoRoot!, arguments, s_publishTimeout);
        Assert.True(publish.ExitCode == 0, $"NativeAOT publish failed: {publish}");
        Assert.DoesNotContain(": warning ", publish.Output, StringComparison.Ordinal);

        string binary = Path.Combine(temp.Path, "GenNet.AotCheck");
        Assert.True(File.Exists(binary), $"no native binary at {binary}");
        DotnetCli.Result info = await DotnetCli.RunExecutableAsync(binary, ["--info"], TimeSpan.FromMinutes(1));
        Assert.True(info.ExitCode == 0, $"the native binary failed: {info}");
        Assert.Contains("runtime:   NativeAOT", info.Output, StringComparison.Ordinal);
        Assert.Contains("Avx2.IsSupported=True", info.Output, StringComparison.Ordinal);
        Assert.Contains("Vector256.IsHardwareAccelerated=True", info.Output, StringComparison.Ordinal);

        if (SharedData.HasAllFiles(SharedData.MnistDirectory))
        {
            DotnetCli.Result epoch = await DotnetCli.RunExecutableAsync(binary, ["--data", SharedData.MnistDirectory!], TimeSpan.FromMinutes(3));
            Assert.True(epoch.ExitCode == 0, $"the native binary failed to train: {epoch}");
            string accuracy = epoch.Output.Split('\n').Single(l => l.StartsWith("test:", StringComparison.Ordinal));
            double percent = double.Parse(accuracy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(percent > 90, $"one epoch reached only {accuracy}");
        }
    }
}

/// <summary>Skips when no C toolchain can link a NativeAOT binary, or the CPU cannot run an x86-64-v3 one.</summary>
public sealed class SkippableNativeAotFactAttribute : FactAttribute
{
    public SkippableNativeAotFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Skip = "the sample is published for linux-x64 only";
        }
        else if (!HasOnPath("clang") && !HasOnPath("gcc"))
        {
            Skip = "NativeAOT needs clang or gcc to link (apt-get install clang zlib1g-dev)";
        }
        else if (!Avx2.IsSupported || !Fma.IsSupported)
        {
            Skip = "the sample is compiled for x86-64-v3 (AVX2, FMA), which this CPU lacks";
        }
    }

    public static bool HasOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}
