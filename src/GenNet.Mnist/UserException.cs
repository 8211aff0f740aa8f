namespace GenNet.Mnist;

/// <summary>An error in what the user asked for or gave us (options, files): printed without a stack trace.</summary>
public sealed class UserException(string message, int exitCode = ExitCodes.UsageOrData) : Exception(message)
{
    /// <summary>The process exit code (see <see cref="ExitCodes"/>); 2 unless said otherwise.</summary>
    public int ExitCode { get; } = exitCode;
}
