namespace GenNet;

/// <summary>The mean of each channel: channels × height × width → channels.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPool2DAttribute : Attribute
{
}
