using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>
/// Packs GenNet and GenNet.Onnx into one local feed and builds a consumer that references only GenNet.Onnx: GenNet
/// (with its generator) must come along as a dependency of the same version, declare, train and export a network.
/// Also checks the metadata a NuGet page shows and that the packed generator carries its debug symbols.
/// </summary>
/// <remarks>Takes 20–60 s, like <see cref="PackageTests"/>, sharing its <see cref="LocalFeed"/>.</remarks>
[Trait("Category", "Slow")]
[Collection(DotnetCli.Collection)]
public sealed class OnnxPackageTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_consumer_of_GenNet_Onnx_alone_gets_the_generator_and_exports()
    {
        using var temp = new TempDirectory();
        string feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        string consumer = Directory.CreateDirectory(temp.File("consumer")).FullName;
        string version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

        await LocalFeed.PackAsync(Path.Combine("src", "GenNet", "GenNet.csproj"), feed, version);
        await LocalFeed.PackAsync(Path.Combine("src", "GenNet.Onnx", "GenNet.Onnx.csproj"), feed, version);
        AssertGeneratorHasSymbols(Path.Combine(feed, $"GenNet.{version}.nupkg"));
        AssertOnnxPackage(Path.Combine(feed, $"GenNet.Onnx.{version}.nupkg"), version);

        File.WriteAllText(Path.Combine(consumer, "nuget.config"), LocalFeed.NuGetConfig(feed));
        File.WriteAllText(Path.Combine(consumer, "OnnxConsumer.csproj"), LocalFeed.ConsumerProject("GenNet.Onnx", version));
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), LocalFeed.XorTraining + """
            GenNet.Onnx.OnnxExporter.Export(net, args[0]);
            Console.WriteLine($"xor correct: {net.Evaluate(inputs, labels, 4)}/4, exported {new FileInfo(args[0]).Length} bytes");
            """ + LocalFeed.XorDeclaration);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = temp.File("nuget-packages") };
        DotnetCli.Result build = await DotnetCli.RunAsync(consumer, ["build", "-c", "Release", "-nodeReuse:false"], s_step, environment);
        Assert.True(build.ExitCode == 0, $"the consumer did not build (was the generator left out of GenNet.Onnx's dependency?): {build}");

        string model = temp.File("xor.onnx");
        DotnetCli.Result run = await DotnetCli.RunAsync(consumer, [Path.Combine(consumer, "bin", "Release", "net10.0", "OnnxConsumer.dll"), model], s_step, environment);
        Assert.True(run.ExitCode == 0, $"the consumer failed: {run}");
        Assert.Contains("xor correct: 4/4", run.Output, StringComparison.Ordinal);
        Assert.True(new FileInfo(model).Length > 100, "no ONNX model written");
    }

    /// <summary>GenNet.Onnx: its README, a description naming the image operators, GenNet of the same version with its analyzers.</summary>
    private static void AssertOnnxPackage(string nupkg, string version)
    {
        Assert.True(File.Exists(nupkg), $"{nupkg} was not written");
        Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), "no symbols package next to GenNet.Onnx");
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/GenNet.Onnx.dll", entries);
        Assert.Contains("README.md", entries);
        using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
        {
            Assert.StartsWith("# GenNet.Onnx", readme.ReadToEnd(), StringComparison.Ordinal);
        }

        XElement metadata = LocalFeed.Metadata(zip, "GenNet.Onnx");
        Assert.Equal("MIT", metadata.Value("license"));
        Assert.Equal("README.md", metadata.Value("readme"));
        Assert.Contains("onnx", metadata.Value("tags"), StringComparison.Ordinal);
        foreach (string op in (string[])["Gemm", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Softmax"])
        {
            Assert.Contains(op, metadata.Value("description"), StringComparison.Ordinal);
        }
        XElement genNet = Assert.Single(metadata.Descendants(), e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "GenNet");
        Assert.Equal(version, (string?)genNet.Attribute("version"));
        Assert.DoesNotContain("Analyzers", (string?)genNet.Attribute("exclude") ?? "", StringComparison.Ordinal);
    }

    /// <summary>The generator under analyzers/ carries its portable pdb inside the dll (snupkg holds only lib/ pdbs).</summary>
    private static void AssertGeneratorHasSymbols(string nupkg)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        using var dll = new MemoryStream();
        using (Stream entry = zip.GetEntry("analyzers/dotnet/cs/GenNet.Generator.dll")!.Open())
        {
            entry.CopyTo(dll);
        }
        dll.Position = 0;
        using var pe = new PEReader(dll);
        Assert.Contains(pe.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
    }
}
