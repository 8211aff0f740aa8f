namespace GenNet.Generator;

/// <summary>Names of the incremental steps, for <c>WithTrackingName</c> and the incrementality tests.</summary>
public static class TrackingNames
{
    /// <summary>Symbol → network spec (null when the declaration is invalid).</summary>
    public const string Parse = nameof(Parse);

    /// <summary>Only the valid specs.</summary>
    public const string ValidNetworks = nameof(ValidNetworks);
}
