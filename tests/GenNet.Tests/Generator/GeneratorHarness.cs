using System.Collections.Immutable;
using GenNet.Generator;
using GenNet.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GenNet.Tests.Generator;

/// <summary>Compiles source against the runtime library, runs the real generator and analyzer, and reports what came out.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references = LoadReferences();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return platform.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(InputAttribute).Assembly.Location))
            .ToImmutableArray();
    }

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("TestAssembly",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the generated sources and the diagnostics of the whole output compilation.</summary>
    public static (GeneratorDriverRunResult Run, Compilation Output) Generate(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>GenNet's analyzer diagnostics for the given sources.</summary>
    public static ImmutableArray<Diagnostic> Analyze(CSharpCompilation compilation) =>
        compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    /// <summary>
    /// GenNet's analyzer diagnostics including those that <c>#pragma</c> or a suppressor silenced (<see cref="Diagnostic.IsSuppressed"/>),
    /// which <see cref="Analyze"/> leaves out as the compiler does.
    /// </summary>
    public static ImmutableArray<Diagnostic> AnalyzeIncludingSuppressed(CSharpCompilation compilation) =>
        compilation.WithAnalyzers([new NetworkAnalyzer()],
                new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    /// <summary>The compiler's own errors after generation (generated code must never add any).</summary>
    public static ImmutableArray<Diagnostic> CompilerErrors(Compilation output) =>
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
}
