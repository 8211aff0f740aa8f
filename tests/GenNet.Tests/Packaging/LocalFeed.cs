using System.IO.Compression;
using System.Xml.Linq;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>What the packaging tests share: packing into a folder feed, a consumer project restored from it, the XOR network it trains, and reading a nuspec.</summary>
internal static class LocalFeed
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(4);

    /// <summary>Packs <paramref name="project"/> (relative to the repository) as the tests built it, into <paramref name="feed"/>, optionally under another version.</summary>
    public static async Task PackAsync(string project, string feed, string? version = null)
    {
        List<string> arguments = ["pack", project, "-c", DotnetCli.Configuration, "--no-build", "-o", feed];
        if (version is not null)
        {
            arguments.Add($"-p:PackageVersion={version}");
        }
        DotnetCli.Result pack = await DotnetCli.RunAsync(SharedData.RepoRoot!, arguments, s_step);
        Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed: {pack}");
    }

    /// <summary>A console project referencing <paramref name="packageId"/> at <paramref name="version"/>, warnings as errors.</summary>
    public static string ConsumerProject(string packageId, string version, string extraProperties = "") => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>{extraProperties}
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="{packageId}" Version="{version}" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>Top-level statements that train <see cref="XorDeclaration"/>'s network on XOR into <c>net</c>.</summary>
    public const string XorTraining = """
        using GenNet;

        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        int[] labels = [0, 1, 1, 0];
        using var net = new XorNet(maxBatchSize: 4, seed: 1);
        var optimizer = new Adam(XorNet.ParameterCount, learningRate: 0.05f);
        for (int step = 0; step < 500; step++)
        {
            net.TrainStep(inputs, labels, 4, optimizer);
        }
        """;

    /// <summary>The consumer's own network: the packed generator must run in its build.</summary>
    public const string XorDeclaration = """

        [Input(2)]
        [Dense(8, Activation.Tanh)]
        [Dense(2)]
        [SoftmaxCrossEntropy]
        public partial class XorNet;
        """;

    /// <summary>The &lt;metadata&gt; element of the package's nuspec.</summary>
    public static XElement Metadata(ZipArchive zip, string id)
    {
        using Stream nuspec = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>The text of one metadata field.</summary>
    public static string Value(this XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    /// <summary>GenNet and GenNet.* only from the local feed (nuget.org may hold packages of those names); anything else from nuget.org.</summary>
    public static string NuGetConfig(string feed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local">
              <package pattern="GenNet" />
              <package pattern="GenNet.*" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>
        """;
}
