namespace GenNet.Mnist;

/// <summary>The process exit codes of gennet-mnist.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The command line did not parse (unknown option, value of the wrong type); System.CommandLine's message.</summary>
    public const int ParseError = 1;
    /// <summary>
    /// An option value is out of range, output paths collide with each other or with an input, or data, model or
    /// checkpoint files are missing, not regular files, or unusable (a download that gives up included).
    /// </summary>
    public const int UsageOrData = 2;
    /// <summary>
    /// Training produced a NaN or infinite loss or parameter, or a finite loss over 1000 × the lowest of the run;
    /// the model file was not overwritten.
    /// </summary>
    public const int NonFinite = 3;
    /// <summary>An output file (model, checkpoint, plot, metrics) could not be written: a full disk, a read-only target; the previous file is intact.</summary>
    public const int WriteFailed = 4;
    /// <summary>Interrupted by Ctrl+C (SIGINT); a checkpoint was saved if one was asked for.</summary>
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM, handled like Ctrl+C; a checkpoint was saved if one was asked for.</summary>
    public const int Terminated = 143;
}
