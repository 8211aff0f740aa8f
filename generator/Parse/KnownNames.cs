namespace GenNet.Generator.Parse;

/// <summary>The attributes that frame a network (the layers between them are named by their readers).</summary>
internal static class KnownNames
{
    public const string Namespace = "GenNet";
    public const string InputAttribute = "GenNet.InputAttribute";
    public const string Input = "Input";
    public const string SoftmaxCrossEntropy = "SoftmaxCrossEntropy";
    public const string MeanSquaredError = "MeanSquaredError";
}
