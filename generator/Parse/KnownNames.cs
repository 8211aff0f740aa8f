namespace GenNet.Generator.Parse;

/// <summary>The attribute that starts a network (layers and loss heads are named by their readers and specs).</summary>
internal static class KnownNames
{
    public const string Namespace = "GenNet";
    public const string InputAttribute = "GenNet.InputAttribute";
    public const string Input = "Input";
}
