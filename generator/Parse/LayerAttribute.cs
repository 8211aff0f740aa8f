using GenNet.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenNet.Generator.Parse;

/// <summary>
/// One GenNet attribute as written in source: parse-stage only (it holds Roslyn objects), never part of the model.
/// </summary>
/// <param name="name">The attribute's name as a user writes it (its class name less "Attribute"), e.g. <c>Dense</c>.</param>
internal sealed class LayerAttribute(string name, AttributeData data, AttributeSyntax syntax, TypeDeclarationSyntax declaration)
{
    /// <summary>The attribute's name as a user writes it, e.g. <c>SoftmaxCrossEntropy</c>.</summary>
    public string Name { get; } = name;
    public AttributeData Data { get; } = data;
    public AttributeSyntax Syntax { get; } = syntax;

    /// <summary>The partial declaration the attribute sits on.</summary>
    public TypeDeclarationSyntax Declaration { get; } = declaration;

    public Location Location => Syntax.GetLocation();

    public bool IsInput => Name == KnownNames.Input;

    public bool IsLoss => LossSpec.ByName.ContainsKey(Name);

    /// <summary>A layer between [Input] and the loss head, read by one of the <see cref="LayerReader"/>s.</summary>
    public bool IsLayer => !IsInput && !IsLoss;

    /// <summary>True when the compiler could bind the attribute and all its arguments; otherwise it reports the error itself.</summary>
    public bool IsWellFormed
    {
        get
        {
            if (Data.AttributeConstructor is null)
            {
                return false;
            }
            foreach (TypedConstant argument in Data.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Error)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>The value passed (or defaulted) for the constructor parameter called <paramref name="parameter"/>.</summary>
    public T Argument<T>(string parameter, T fallback)
    {
        IMethodSymbol? constructor = Data.AttributeConstructor;
        if (constructor is null)
        {
            return fallback;
        }
        for (int i = 0; i < constructor.Parameters.Length && i < Data.ConstructorArguments.Length; i++)
        {
            if (constructor.Parameters[i].Name == parameter && Data.ConstructorArguments[i].Value is T value)
            {
                return value;
            }
        }
        return fallback;
    }
}
