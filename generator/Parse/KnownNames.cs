namespace GenNet.Generator.Parse;

/// <summary>Metadata names of the runtime attributes the generator reads.</summary>
internal static class KnownNames
{
    public const string InputAttribute = "GenNet.InputAttribute";
    public const string DenseAttribute = "GenNet.DenseAttribute";
    public const string SoftmaxCrossEntropyAttribute = "GenNet.SoftmaxCrossEntropyAttribute";
    public const string MeanSquaredErrorAttribute = "GenNet.MeanSquaredErrorAttribute";
    public const string DropoutAttribute = "GenNet.DropoutAttribute";
}
