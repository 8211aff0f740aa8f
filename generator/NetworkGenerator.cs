using GenNet.Generator.Emit;
using GenNet.Generator.Model;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenNet.Generator;

/// <summary>
/// Emits the body of every partial class marked with [Input]: find → parse → keep the valid → emit.
/// Invalid declarations produce no code; <see cref="Diagnostics.NetworkAnalyzer"/> explains why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkSpec?> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.InputAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword),
                transform: static (context, cancellationToken) => NetworkParser.Parse((INamedTypeSymbol)context.TargetSymbol, cancellationToken).Spec)
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<NetworkSpec> networks = parsed
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ValidNetworks);

        context.RegisterSourceOutput(networks, static (output, spec) =>
            output.AddSource(NetworkEmitter.HintName(spec), NetworkEmitter.Emit(spec)));
    }
}
