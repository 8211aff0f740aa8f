namespace GenNet;

/// <summary>
/// Marks a <c>partial</c> class as a GenNet network and gives the width of one input sample.
/// Must be the first layer attribute; the generator reads the layers in source order.
/// </summary>
/// <remarks>
/// <see cref="AttributeUsageAttribute.AllowMultiple"/> is true only so that a second <c>[Input]</c> gets
/// GenNet's own diagnostic (GNN0004) instead of the compiler's generic duplicate-attribute error.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute(int size) : Attribute
{
    /// <summary>Number of features in one input sample.</summary>
    public int Size { get; } = size;
}
