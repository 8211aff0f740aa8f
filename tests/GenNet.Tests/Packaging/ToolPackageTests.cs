using System.IO.Compression;
using System.Xml.Linq;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>
/// Packs gennet-mnist as the GenNet.Mnist .NET tool, installs it with <c>dotnet tool install --tool-path</c> from a
/// local folder feed, and runs the installed command: <c>--version</c> (the one version), <c>--help</c>, a parse
/// error, and, when MNIST is at ../shared/data/mnist, a short training run that writes the PNG plot.
/// </summary>
/// <remarks>
/// Takes 10–40 s. A private NUGET_PACKAGES folder and a nuget.config naming only the local feed keep the machine's
/// cache and nuget.org out of it.
/// </remarks>
[Trait("Category", "Slow")]
[Collection(DotnetCli.Collection)]
public sealed class ToolPackageTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(4);

    /// <summary>The packed tool stays small: no native libraries, one platform-neutral package.</summary>
    private const long MaxToolPackageBytes = 5 * 1024 * 1024;

    [Fact]
    public async Task The_packed_tool_installs_from_a_folder_and_runs()
    {
        using var temp = new TempDirectory();
        string feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        string tools = temp.File("tools");
        string version = VersionTests.DefinedVersion();

        await LocalFeed.PackAsync(Path.Combine("src", "GenNet.Mnist", "GenNet.Mnist.csproj"), feed);
        string nupkg = Path.Combine(feed, $"GenNet.Mnist.{version}.nupkg");
        AssertToolPackage(nupkg);

        string config = temp.File("nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = temp.File("nuget-packages") };
        DotnetCli.Result install = await DotnetCli.RunAsync(temp.Path,
            ["tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", feed, "GenNet.Mnist"], s_step, environment);
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed: {install}");
        string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "gennet-mnist.exe" : "gennet-mnist");
        Assert.True(File.Exists(command), $"no {command} after the install:\n{install}");

        DotnetCli.Result versionRun = await DotnetCli.RunExecutableAsync(command, ["--version"], s_step);
        Assert.True(versionRun.ExitCode == 0, versionRun.ToString());
        Assert.Equal(version, versionRun.Output.Trim());

        DotnetCli.Result help = await DotnetCli.RunExecutableAsync(command, ["--help"], s_step);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("gennet-mnist [command] [options]", help.Output, StringComparison.Ordinal);
        Assert.Contains("train", help.Output, StringComparison.Ordinal);

        DotnetCli.Result parseError = await DotnetCli.RunExecutableAsync(command, ["train", "--epochs", "abc"], s_step);
        Assert.True(parseError.ExitCode == 1, parseError.ToString());
        Assert.Contains("error: --epochs takes an integer (got 'abc')", parseError.Output, StringComparison.Ordinal);

        // With the data at hand, train a little: the plot needs no native library on any platform.
        if (SharedData.HasAllFiles(SharedData.MnistDirectory))
        {
            string mnist = SharedData.MnistDirectory!;
            string plot = temp.File("run.png");
            DotnetCli.Result train = await DotnetCli.RunExecutableAsync(command,
                ["train", "--data", mnist, "--no-download", "--epochs", "1", "--train-limit", "2000", "--plot", plot], s_step);
            Assert.True(train.ExitCode == 0, train.ToString());
            Assert.True(File.ReadAllBytes(plot).AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }),
                "the installed tool did not write a PNG");
        }
    }

    /// <summary>A DotnetTool package for any platform: the command's dll under tools/net10.0/any, no native libraries.</summary>
    private static void AssertToolPackage(string nupkg)
    {
        Assert.True(File.Exists(nupkg), $"{nupkg} was not written");
        Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), "no symbols package next to the tool package");
        long size = new FileInfo(nupkg).Length;
        Assert.True(size < MaxToolPackageBytes, $"the tool package is {size:N0} bytes");
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        string listing = string.Join('\n', entries);
        Assert.Contains("tools/net10.0/any/gennet-mnist.dll", entries);
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.False(entries.Any(e => e.Contains("/runtimes/", StringComparison.Ordinal) || e.EndsWith(".so", StringComparison.Ordinal) || e.EndsWith(".dylib", StringComparison.Ordinal)),
            $"the tool carries native libraries:\n{listing}");

        XElement metadata = LocalFeed.Metadata(zip, "GenNet.Mnist");
        Assert.Contains(metadata.Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        Assert.Equal("MIT", metadata.Value("license"));
        Assert.Equal("README.md", metadata.Value("readme"));
    }
}
