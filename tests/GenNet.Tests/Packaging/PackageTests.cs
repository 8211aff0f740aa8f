using System.IO.Compression;
using System.Xml.Linq;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>
/// Packs the GenNet package and uses it the way a consumer would: a fresh console project, restored from a local
/// folder feed, declares its own network, builds (so the packed generator must run in it) and trains XOR.
/// </summary>
/// <remarks>
/// Takes 20–60 s (pack, restore, build, run); filter it out locally with <c>--filter "Category!=Slow"</c>.
/// A private NUGET_PACKAGES folder and a unique version keep the machine's package cache out of it.
/// </remarks>
[Trait("Category", "Slow")]
[Collection(DotnetCli.Collection)]
public sealed class PackageTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Packed_library_and_generator_build_and_train_a_consumers_network()
    {
        using var temp = new TempDirectory();
        string feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        string consumer = Directory.CreateDirectory(temp.File("consumer")).FullName;
        string version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

        // Pack what the test run just built (same configuration), under a version no cache has seen.
        await LocalFeed.PackAsync(Path.Combine("src", "GenNet", "GenNet.csproj"), feed, version);

        string nupkg = Path.Combine(feed, $"GenNet.{version}.nupkg");
        AssertPackageLayout(nupkg);
        Assert.True(File.Exists(Path.Combine(feed, $"GenNet.{version}.snupkg")), "no symbols package next to the package");

        File.WriteAllText(Path.Combine(consumer, "nuget.config"), LocalFeed.NuGetConfig(feed));
        File.WriteAllText(Path.Combine(consumer, "XorConsumer.csproj"),
            LocalFeed.ConsumerProject("GenNet", version, "\n    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>"));
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), LocalFeed.XorTraining + """
            INetwork asInterface = net;
            Console.WriteLine($"architecture: {asInterface.Architecture}");
            Console.WriteLine($"parameters: {XorNet.ParameterCount}");
            Console.WriteLine($"xor correct: {net.Evaluate(inputs, labels, 4)}/4");
            """ + LocalFeed.XorDeclaration);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = temp.File("nuget-packages") };

        DotnetCli.Result build = await DotnetCli.RunAsync(consumer, ["build", "-c", "Release", "-nodeReuse:false"], s_step, environment);
        Assert.True(build.ExitCode == 0, $"the consumer did not build: {build}");

        string bin = Path.Combine(consumer, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(bin, "GenNet.dll")), "GenNet.dll was not copied to the consumer's output");
        Assert.False(File.Exists(Path.Combine(bin, "GenNet.Generator.dll")), "the generator leaked into the consumer's run-time output");
        Assert.True(Directory.EnumerateFiles(Path.Combine(consumer, "obj"), "XorNet.g.cs", SearchOption.AllDirectories).Any(),
            "the generator did not emit XorNet.g.cs in the consumer's build");

        DotnetCli.Result run = await DotnetCli.RunAsync(consumer, [Path.Combine(bin, "XorConsumer.dll")], s_step, environment);
        Assert.True(run.ExitCode == 0, $"the consumer failed: {run}");
        Assert.Contains("architecture: Input(2) Dense(8,Tanh) Dense(2) SoftmaxCrossEntropy", run.Output, StringComparison.Ordinal);
        Assert.Contains("parameters: 42", run.Output, StringComparison.Ordinal);
        Assert.Contains("xor correct: 4/4", run.Output, StringComparison.Ordinal);
    }

    /// <summary>The runtime under lib/, the generator under analyzers/ and nowhere else, no package dependencies.</summary>
    private static void AssertPackageLayout(string nupkg)
    {
        Assert.True(File.Exists(nupkg), $"{nupkg} was not written");
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        string listing = string.Join('\n', entries);
        Assert.Contains("lib/net10.0/GenNet.dll", entries);
        Assert.Contains("lib/net10.0/GenNet.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/GenNet.Generator.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.True(entries.Count(e => e.EndsWith("GenNet.Generator.dll", StringComparison.Ordinal)) == 1, $"the generator is packed more than once:\n{listing}");

        XElement metadata = LocalFeed.Metadata(zip, "GenNet");
        Assert.Equal("GenNet", metadata.Value("id"));
        Assert.Equal("MIT", metadata.Value("license"));
        Assert.Equal("README.md", metadata.Value("readme"));
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
    }
}
