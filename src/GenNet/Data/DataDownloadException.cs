namespace GenNet.Data;

/// <summary>
/// Some data files could not be downloaded from any mirror. The message names the files, every mirror's error,
/// the directory where the files belong, and that <c>--data</c> or <c>GENNET_DATA</c> can point elsewhere.
/// </summary>
public sealed class DataDownloadException : IOException
{
    /// <summary>Creates the exception for <paramref name="missingFiles"/>, which belong in <paramref name="directory"/>.</summary>
    public DataDownloadException(string message, string directory, IReadOnlyList<string> missingFiles, Exception? innerException = null)
        : base(message, innerException)
    {
        Directory = directory;
        MissingFiles = missingFiles;
    }

    /// <summary>The full path of the directory the files should be put in.</summary>
    public string Directory { get; }
    /// <summary>The file names (with <c>.gz</c>) that are still missing.</summary>
    public IReadOnlyList<string> MissingFiles { get; }
}
