using System.CodeDom.Compiler;
using System.Reflection;
using System.Xml.Linq;
using GenNet.Tests.Data;

namespace GenNet.Tests.Packaging;

/// <summary>
/// One version number everywhere: the &lt;Version&gt; in Directory.Build.props is the version of the GenNet,
/// GenNet.Onnx and GenNet.Mnist assemblies (and so of their packages and of <c>gennet-mnist --version</c>, which
/// prints the informational version), the generator's, and the one generated code's [GeneratedCode] carries.
/// </summary>
/// <remarks><c>ToolPackageTests</c> checks the packed tool's <c>--version</c> output against the same number.</remarks>
public class VersionTests
{
    /// <summary>The version defined once, in Directory.Build.props.</summary>
    internal static string DefinedVersion()
    {
        string props = Path.Combine(SharedData.RepoRoot ?? throw new InvalidOperationException("No GenNet.sln above the test binaries."), "Directory.Build.props");
        return Assert.Single(XDocument.Load(props).Descendants("Version")).Value;
    }

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no informational version");

    [Fact]
    public void Assemblies_generator_and_generated_code_carry_the_one_version()
    {
        string version = DefinedVersion();
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", version);

        Assert.Equal(version, InformationalVersion(typeof(INetwork).Assembly));                   // GenNet package
        Assert.Equal(version, InformationalVersion(typeof(global::GenNet.Onnx.OnnxExporter).Assembly));         // GenNet.Onnx package
        Assert.Equal(version, InformationalVersion(typeof(GenNet.Mnist.Program).Assembly));      // gennet-mnist --version
        string generator = GenNet.Generator.GeneratorVersion.Value; // a constant compiled into the generator
        Assert.Equal(version, generator);

        // Every [GeneratedCode] the generator put on a network in the runtime (built by the generator under test).
        string[] stamped = typeof(Models.MnistMlp).GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .SelectMany(m => m.GetCustomAttributes<GeneratedCodeAttribute>())
            .Where(a => a.Tool == "GenNet.Generator")
            .Select(a => a.Version!)
            .Distinct()
            .ToArray();
        Assert.Equal([version], stamped);
    }
}
