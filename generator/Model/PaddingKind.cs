namespace GenNet.Generator.Model;

/// <summary>Mirror of <c>GenNet.Padding</c>: the integer values must stay equal to src/GenNet/Attributes/Padding.cs.</summary>
internal enum PaddingKind
{
    Valid = 0,
    Same = 1,
}
