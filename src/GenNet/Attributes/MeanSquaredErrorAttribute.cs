namespace GenNet;

/// <summary>
/// Loss head for regression, last in the layer list: mean over all outputs of (y − t)² against float targets.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MeanSquaredErrorAttribute : Attribute;
