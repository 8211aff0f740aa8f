namespace GenNet.Mnist;

/// <summary>The process exit codes of gennet-mnist.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The command line did not parse (unknown option, value of the wrong type); System.CommandLine's message.</summary>
    public const int ParseError = 1;
    /// <summary>An option value is out of range, or data, model or checkpoint files are missing or unusable.</summary>
    public const int UsageOrData = 2;
    /// <summary>Training produced a NaN or infinite loss or parameter; the model file was not overwritten.</summary>
    public const int NonFinite = 3;
    /// <summary>Interrupted by Ctrl+C (SIGINT), after the current step; a checkpoint was saved if one was asked for.</summary>
    public const int Interrupted = 130;
}
