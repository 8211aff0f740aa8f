using Microsoft.CodeAnalysis;

namespace GenNet.Generator;

/// <summary>Emits the body of every class marked with [Input].</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
