using System.Globalization;
using System.Text.RegularExpressions;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>
/// The two samples under samples/, built as a consumer builds them: their source files in a fresh console project
/// that references the packed GenNet package (no project references), restored from a local feed, then run. The
/// classifier's held-out accuracy, the regressor's loss and its inference-only answers are checked from their output.
/// </summary>
[Trait("Category", "Slow")]
[Collection(DotnetCli.Collection)]
public sealed partial class SampleConsumerTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_samples_train_a_classifier_and_a_regressor_against_the_packed_package()
    {
        using var temp = new TempDirectory();
        string feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        string version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];
        await LocalFeed.PackAsync(Path.Combine("src", "GenNet", "GenNet.csproj"), feed, version);
        // The samples print numbers in the current culture; the invariant one gives the '.' the checks below parse.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = temp.File("nuget-packages"), ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" };

        string classifier = await BuildAndRunAsync("TabularClassification", feed, version, temp, environment);
        Match accuracy = HeldOutAccuracy().Match(classifier);
        Assert.True(accuracy.Success, $"no accuracy line in:\n{classifier}");
        Assert.True(double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture) >= 90, classifier);

        string regressor = await BuildAndRunAsync("FunctionRegression", feed, version, temp, environment);
        Match loss = HeldOutMse().Match(regressor);
        Assert.True(loss.Success, $"no loss line in:\n{regressor}");
        // The targets carry noise of variance 0.0004: a good fit ends near it, the untrained net near 0.2.
        Assert.True(double.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture) < 0.002, regressor);
        MatchCollection answers = Answer().Matches(regressor);
        Assert.Equal(4, answers.Count);
        Assert.All(answers, a => Assert.True(
            Math.Abs(double.Parse(a.Groups[1].Value, CultureInfo.InvariantCulture) - double.Parse(a.Groups[2].Value, CultureInfo.InvariantCulture)) < 0.05,
            $"the inference-only network's answer is off: {a.Value}"));
    }

    /// <summary>Copies samples/<paramref name="sample"/>'s C# files into a package consumer, builds it and returns what it printed.</summary>
    private static async Task<string> BuildAndRunAsync(string sample, string feed, string version, TempDirectory temp, Dictionary<string, string> environment)
    {
        string consumer = Directory.CreateDirectory(temp.File(sample)).FullName;
        foreach (string source in Directory.EnumerateFiles(Path.Combine(SharedData.RepoRoot!, "samples", sample), "*.cs"))
        {
            File.Copy(source, Path.Combine(consumer, Path.GetFileName(source)));
        }
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), LocalFeed.NuGetConfig(feed));
        File.WriteAllText(Path.Combine(consumer, sample + ".csproj"), LocalFeed.ConsumerProject("GenNet", version));

        DotnetCli.Result build = await DotnetCli.RunAsync(consumer, ["build", "-c", "Release", "-nodeReuse:false"], s_step, environment);
        Assert.True(build.ExitCode == 0, $"the {sample} consumer did not build: {build}");
        string dll = Path.Combine(consumer, "bin", "Release", "net10.0", sample + ".dll");
        DotnetCli.Result run = await DotnetCli.RunAsync(consumer, [dll], s_step, environment);
        Assert.True(run.ExitCode == 0, $"the {sample} consumer failed: {run}");
        return run.Output;
    }

    [GeneratedRegex(@"held-out accuracy ([0-9.]+)% \(")]
    private static partial Regex HeldOutAccuracy();

    [GeneratedRegex(@"after epoch \d+; test MSE ([0-9.]+)")]
    private static partial Regex HeldOutMse();

    [GeneratedRegex(@"f\(\s*-?[0-9.]+\) =\s+(-?[0-9.]+)\s+network\s+(-?[0-9.]+)")]
    private static partial Regex Answer();
}
