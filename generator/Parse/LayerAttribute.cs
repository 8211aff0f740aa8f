using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenNet.Generator.Parse;

/// <summary>What kind of layer an attribute declares.</summary>
internal enum LayerAttributeKind
{
    Input,
    Dense,
    SoftmaxCrossEntropy,
    MeanSquaredError,
    Dropout,
}

/// <summary>
/// One layer attribute as written in source: parse-stage only (it holds Roslyn objects), never part of the model.
/// </summary>
internal sealed class LayerAttribute(LayerAttributeKind kind, AttributeData data, AttributeSyntax syntax, TypeDeclarationSyntax declaration)
{
    public LayerAttributeKind Kind { get; } = kind;
    public AttributeData Data { get; } = data;
    public AttributeSyntax Syntax { get; } = syntax;

    /// <summary>The partial declaration the attribute sits on.</summary>
    public TypeDeclarationSyntax Declaration { get; } = declaration;

    public Location Location => Syntax.GetLocation();

    public bool IsLoss => Kind is LayerAttributeKind.SoftmaxCrossEntropy or LayerAttributeKind.MeanSquaredError;

    /// <summary>The attribute's name as a user writes it, e.g. <c>SoftmaxCrossEntropy</c>.</summary>
    public string DisplayName => Kind.ToString();

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

    /// <summary>The value passed (or defaulted) for the constructor parameter called <paramref name="name"/>.</summary>
    public T Argument<T>(string name, T fallback)
    {
        IMethodSymbol? constructor = Data.AttributeConstructor;
        if (constructor is null)
        {
            return fallback;
        }
        for (int i = 0; i < constructor.Parameters.Length && i < Data.ConstructorArguments.Length; i++)
        {
            if (constructor.Parameters[i].Name == name && Data.ConstructorArguments[i].Value is T value)
            {
                return value;
            }
        }
        return fallback;
    }
}
