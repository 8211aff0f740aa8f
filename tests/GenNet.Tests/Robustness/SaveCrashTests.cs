using System.Diagnostics;
using System.Reflection;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Tests.Serialization;
using Xunit.Abstractions;

namespace GenNet.Tests.Robustness;

/// <summary>
/// A model file survives its writer being killed at any moment: after each SIGKILL the target loads and holds one of
/// the two complete parameter sets the child alternates between, and at most one temporary file per kill is left.
/// </summary>
/// <remarks>
/// The child is tests/GenNet.CrashSaver (built with the test project, which references it without using its
/// assembly), run with <c>dotnet exec</c> from its own output folder. It saves 262,144 floats (1 MiB, a few ms per
/// save including fsync) in a loop and prints "ready" after its first save; each round waits a random 0–40 ms after
/// that and kills it, so kills land in every phase of a save: creating the temporary file, writing, fsync, rename,
/// the directory flush, the stale-file sweep, and filling the parameters between saves. The default is 50 kills,
/// stopped early after 20 s (a slow machine); GENNET_KILLS=n runs n rounds with no time limit.
/// </remarks>
public class SaveCrashTests(ITestOutputHelper output)
{
    private const int ParameterCount = 1 << 18;
    private const string Architecture = "CrashSaver";
    private const ulong Hash = 0xC4A5_11AE_0000_0001UL;

    [PlatformFact("linux", "macos", "windows")]
    public async Task Killing_a_saving_process_at_random_moments_never_leaves_a_broken_target()
    {
        string? env = Environment.GetEnvironmentVariable("GENNET_KILLS");
        int rounds = env is null ? 50 : int.Parse(env, System.Globalization.CultureInfo.InvariantCulture);
        TimeSpan budget = env is null ? TimeSpan.FromSeconds(20) : TimeSpan.MaxValue;

        using var dir = new TempDirectory();
        string target = dir.File("model.gnet");
        float[][] sets = [Set(0), Set(1)];
        var rng = new Random(12345);
        var clock = Stopwatch.StartNew();
        int kills = 0, heldSet0 = 0, heldSet1 = 0, maxTemps = 0;
        for (; kills < rounds && clock.Elapsed < budget; kills++)
        {
            using Process child = StartChild(target);
            string? line;
            try
            {
                line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                line = "(no line in 30 s)";
            }
            if (line != "ready")
            {
                child.Kill();
                await child.WaitForExitAsync();
                Assert.Fail($"the child did not report its first save: {line}; stderr: {await child.StandardError.ReadToEndAsync()}");
            }
            await Task.Delay(rng.Next(0, 41));
            child.Kill();
            await child.WaitForExitAsync();

            var net = new FakeNetwork(ParameterCount, Architecture, Hash);
            ModelFile.Load(net, target); // throws InvalidDataException if the file were partial or damaged
            float[] loaded = net.Parameters.ToArray();
            if (loaded.AsSpan().SequenceEqual(sets[0])) heldSet0++;
            else if (loaded.AsSpan().SequenceEqual(sets[1])) heldSet1++;
            else Assert.Fail($"kill {kills}: the file loads but holds neither parameter set");

            string[] temps = dir.Names().Where(n => n != "model.gnet").ToArray();
            Assert.All(temps, n => Assert.Matches(@"^model\.gnet\.tmp-[0-9a-f]{32}$", n));
            Assert.True(temps.Length <= kills + 1, $"{temps.Length} temporary files after {kills + 1} kills");
            maxTemps = temps.Length;
        }
        output.WriteLine($"{kills} kills in {clock.Elapsed.TotalSeconds:0.0} s: set 0 held {heldSet0}×, set 1 {heldSet1}×; " +
            $"{maxTemps} temporary files left by kills mid-save (swept by a later save once over a minute old).");
        Assert.True(kills >= 10, $"only {kills} kills in {budget.TotalSeconds} s");
        Assert.True(heldSet0 > 0 && heldSet1 > 0, "kills always landed on the same saved set: the child did not loop");
    }

    [Fact]
    public void A_save_sweeps_its_own_stale_temporary_files_and_nothing_else()
    {
        using var dir = new TempDirectory();
        string target = dir.File("m.gnet");
        string stale = dir.File("m.gnet.tmp-" + new string('a', 32));
        string fresh = dir.File("m.gnet.tmp-" + new string('b', 32));
        string otherTarget = dir.File("n.gnet.tmp-" + new string('c', 32));
        string notOurs = dir.File("m.gnet.tmp-notahexguid");
        foreach (string path in (string[])[stale, fresh, otherTarget, notOurs])
        {
            File.WriteAllBytes(path, [1, 2, 3]);
        }
        DateTime old = DateTime.UtcNow - AtomicFile.StaleTemporaryFileAge - TimeSpan.FromSeconds(5);
        foreach (string path in (string[])[stale, otherTarget, notOurs])
        {
            File.SetLastWriteTimeUtc(path, old);
        }

        ModelFile.Load(new FakeNetwork(3), SaveOnce(target));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));        // may belong to a save running in another process
        Assert.True(File.Exists(otherTarget));  // another target's
        Assert.True(File.Exists(notOurs));      // not a name Save makes
    }

    [Fact]
    public void Load_ignores_and_keeps_temporary_files()
    {
        using var dir = new TempDirectory();
        string target = SaveOnce(dir.File("m.gnet"));
        string leftover = dir.File("m.gnet.tmp-" + new string('a', 32));
        File.WriteAllBytes(leftover, [1, 2, 3]);
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow - TimeSpan.FromHours(1));
        ModelFile.Load(new FakeNetwork(3), target);
        Assert.True(File.Exists(leftover));
    }

    [Fact]
    public void The_directory_flush_after_the_rename_works_where_it_is_implemented()
    {
        using var dir = new TempDirectory();
        bool flushed = DirectorySync.TryFlush(dir.Path);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(flushed);
        }
        Assert.False(DirectorySync.TryFlush(dir.File("does-not-exist")));
    }

    private static string SaveOnce(string target)
    {
        ModelFile.Save(new FakeNetwork(3).Fill(1), target);
        return target;
    }

    private static float[] Set(int set)
    {
        var values = new float[ParameterCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = set == 0 ? i : -0.5f - i; // as CrashSaverSets.Fill in the child
        }
        return values;
    }

    private static Process StartChild(string target)
    {
        string configuration = typeof(SaveCrashTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        string dll = Path.Combine(RepoPaths.Root, "tests", "GenNet.CrashSaver", "bin", configuration, "net10.0", "GenNet.CrashSaver.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds it through its ProjectReference.");
        var start = new ProcessStartInfo(DotnetHost(), ["exec", dll, target, ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(start)!;
    }

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH), else "dotnet" on the PATH.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (host is not null && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}
