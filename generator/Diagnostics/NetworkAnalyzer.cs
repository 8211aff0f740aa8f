using System.Collections.Immutable;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GenNet.Generator.Diagnostics;

/// <summary>
/// Reports why a declared network cannot be generated. It runs the generator's own parser, so the rules live in
/// one place, and keeps diagnostics out of the generator's cached pipeline (so #pragma suppression works too).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartial,
        DiagnosticDescriptors.MissingInput,
        DiagnosticDescriptors.InputNotFirst,
        DiagnosticDescriptors.DuplicateInput,
        DiagnosticDescriptors.NonPositiveSize,
        DiagnosticDescriptors.MissingLoss,
        DiagnosticDescriptors.LossNotLast,
        DiagnosticDescriptors.DuplicateLoss,
        DiagnosticDescriptors.SoftmaxTooFewOutputs,
        DiagnosticDescriptors.LayersSplit,
        DiagnosticDescriptors.UnsupportedClass,
        DiagnosticDescriptors.InvalidActivation,
        DiagnosticDescriptors.NoTrainableLayer,
        DiagnosticDescriptors.TooLarge,
        DiagnosticDescriptors.DropoutMisplaced,
        DiagnosticDescriptors.InvalidDropoutRate,
        DiagnosticDescriptors.ImageInputNeeded,
        DiagnosticDescriptors.LayerDoesNotFit,
        DiagnosticDescriptors.InvalidPadding);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(static context =>
        {
            foreach (Diagnostic diagnostic in NetworkParser.Parse((INamedTypeSymbol)context.Symbol, context.CancellationToken).Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }, SymbolKind.NamedType);
    }
}
