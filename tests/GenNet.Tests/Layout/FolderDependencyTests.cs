using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenNet.Tests.Layout;

/// <summary>
/// The runtime's folders (src/GenNet/Core, Kernels, Network, …) form layers: Core imports nothing else of GenNet, and no
/// two folders depend on each other, directly or round a longer circle. One folder depends on another when a file of
/// the first names a type or member declared in the second (found by the semantic model over one compilation of every
/// file; doc-comment crefs do not count).
/// </summary>
public class FolderDependencyTests
{
    private static readonly Lazy<FolderGraph> s_graph = new(() => FolderGraph.Build(Path.Combine(RepoPaths.Root, "src", "GenNet")));

    [Fact]
    public void The_graph_is_built_from_the_whole_runtime()
    {
        FolderGraph graph = s_graph.Value;
        Assert.True(graph.CompilationErrors.Count == 0, "The runtime's files do not compile on their own:\n" + string.Join("\n", graph.CompilationErrors));
        // Guards the test itself: a graph built from nothing (no files found, nothing bound) has no cycle either.
        Assert.Superset(new HashSet<string> { "Attributes", "Core", "Data", "Kernels", "Network", "Optim", "Serialization", "Training" }, graph.Folders.ToHashSet());
        Assert.Contains(("Kernels", "Core"), graph.Edges.Keys);
        Assert.Contains(("Training", "Network"), graph.Edges.Keys);
    }

    [Fact]
    public void Core_depends_on_no_other_folder()
    {
        string[] uses = s_graph.Value.Edges.Where(e => e.Key.From == "Core").SelectMany(e => e.Value).ToArray();
        Assert.True(uses.Length == 0, "Core must import nothing else of GenNet, but:\n" + string.Join("\n", uses));
    }

    [Fact]
    public void No_folder_depends_on_itself_through_others()
    {
        FolderGraph graph = s_graph.Value;
        IReadOnlyList<string>? cycle = graph.FindCycle();
        if (cycle is not null)
        {
            var message = new StringBuilder($"Folder circle {string.Join(" → ", cycle)}:\n");
            for (int i = 0; i + 1 < cycle.Count; i++)
            {
                foreach (string use in graph.Edges[(cycle[i], cycle[i + 1])].Take(5))
                {
                    message.Append("  ").Append(use).Append('\n');
                }
            }
            Assert.Fail(message.ToString());
        }
    }

    private sealed class FolderGraph
    {
        public required IReadOnlyList<string> Folders { get; init; }
        /// <summary>(from, to) → "file: uses Name (declared in file)", one line per distinct use.</summary>
        public required IReadOnlyDictionary<(string From, string To), SortedSet<string>> Edges { get; init; }
        public required IReadOnlyList<string> CompilationErrors { get; init; }

        public static FolderGraph Build(string root)
        {
            string[] files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Where(f => Relative(root, f).Split('/')[0] is not ("obj" or "bin"))
                .Order(StringComparer.Ordinal)
                .ToArray();
            var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
            // The SDK's implicit usings for a library (ImplicitUsings=enable in Directory.Build.props).
            SyntaxTree globalUsings = CSharpSyntaxTree.ParseText(
                "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
                "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", parse, path: "GlobalUsings.cs");
            SyntaxTree[] trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).ToArray();
            string platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
            CSharpCompilation compilation = CSharpCompilation.Create("GenNetFolders", [globalUsings, .. trees],
                platform.Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

            var edges = new Dictionary<(string, string), SortedSet<string>>();
            foreach (SyntaxTree tree in trees)
            {
                string file = Relative(root, tree.FilePath);
                string from = FolderOf(file);
                SemanticModel model = compilation.GetSemanticModel(tree);
                foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    SymbolInfo info = model.GetSymbolInfo(name);
                    if ((info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is not { } symbol)
                    {
                        continue;
                    }
                    foreach (string declaredIn in DeclaringFiles(symbol).Select(path => Relative(root, path)))
                    {
                        string to = FolderOf(declaredIn);
                        if (to != from)
                        {
                            if (!edges.TryGetValue((from, to), out SortedSet<string>? uses))
                            {
                                edges[(from, to)] = uses = new SortedSet<string>(StringComparer.Ordinal);
                            }
                            uses.Add($"{file}: uses {symbol.Name} ({declaredIn})");
                        }
                    }
                }
            }
            return new FolderGraph
            {
                Folders = files.Select(f => FolderOf(Relative(root, f))).Distinct().ToArray(),
                Edges = edges,
                CompilationErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray(),
            };
        }

        /// <summary>The source files that declare a type, or a type's member, that <paramref name="symbol"/> names.</summary>
        private static IEnumerable<string> DeclaringFiles(ISymbol symbol)
        {
            ISymbol? declared = symbol switch
            {
                INamedTypeSymbol type => type.OriginalDefinition,
                IMethodSymbol { ReducedFrom: { } extension } => extension.OriginalDefinition,
                IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol.OriginalDefinition,
                _ => null,   // namespaces, locals, parameters, labels
            };
            return declared is null
                ? []
                : declared.DeclaringSyntaxReferences.Select(r => r.SyntaxTree.FilePath).Where(p => p.Length > 0 && p != "GlobalUsings.cs");
        }

        /// <summary>A circle of folders, first folder repeated at the end, or null when there is none.</summary>
        public IReadOnlyList<string>? FindCycle()
        {
            Dictionary<string, string[]> next = Edges.Keys.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order(StringComparer.Ordinal).ToArray());
            var state = new Dictionary<string, bool>();   // false: on the current path; true: finished, no cycle through it
            var path = new List<string>();
            foreach (string start in next.Keys.Order(StringComparer.Ordinal))
            {
                if (Visit(start) is { } cycle)
                {
                    return cycle;
                }
            }
            return null;

            List<string>? Visit(string folder)
            {
                if (state.TryGetValue(folder, out bool done))
                {
                    return done ? null : [.. path.Skip(path.IndexOf(folder)), folder];
                }
                state[folder] = false;
                path.Add(folder);
                foreach (string to in next.GetValueOrDefault(folder, []))
                {
                    if (Visit(to) is { } cycle)
                    {
                        return cycle;
                    }
                }
                path.RemoveAt(path.Count - 1);
                state[folder] = true;
                return null;
            }
        }

        private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

        private static string FolderOf(string relative) => relative.Contains('/') ? relative[..relative.IndexOf('/')] : "(root)";
    }
}
