using GenNet.Data;
using GenNet.Serialization;

namespace GenNet.Mnist;

/// <summary>Finds and loads the data directory: <c>--data</c>, else <c>$GENNET_DATA</c>, else <c>./data/mnist</c>.</summary>
internal static class DataLocator
{
    public const string DefaultDirectory = "data/mnist";

    /// <summary>How long one download attempt (one file from one mirror) may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the whole download may take, all files and mirrors together (tests shorten it).</summary>
    internal static TimeSpan DownloadDeadline { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Where the files are fetched from (tests point it at a loopback server).</summary>
    internal static IReadOnlyList<Uri> DownloadMirrors { get; set; } = MnistDownloader.DefaultMirrors;

    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Path.GetFullPath(option);
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable(MnistDownloader.DataEnvironmentVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultDirectory : fromEnvironment);
    }

    /// <summary>
    /// Loads the four IDX files from <paramref name="directory"/>; when some are missing and downloading is allowed,
    /// first tries <see cref="MnistDownloader"/> (MNIST only: never into a Fashion-MNIST directory).
    /// </summary>
    /// <exception cref="UserException">The files are missing and could not be fetched, or are damaged.</exception>
    public static MnistDataset Load(string directory, bool allowDownload, TextWriter log, CancellationToken cancellationToken)
    {
        FileKind kind = FileProbe.KindOf(directory);
        if (kind is not FileKind.Directory and not FileKind.Missing)
        {
            throw new UserException($"The data directory {directory} is {FileProbe.Describe(kind)}; point --data (or {MnistDownloader.DataEnvironmentVariable}) at the directory that holds the four IDX files.");
        }
        IReadOnlyList<string> missing = kind == FileKind.Directory ? MnistDataset.FindMissingFiles(directory) : MnistDataset.StandardFiles;
        if (missing.Count > 0)
        {
            // Only the "fashion" in the path matters here; a broken classes.txt is reported once the files are there.
            bool fashion = directory.Contains("fashion", StringComparison.OrdinalIgnoreCase);
            if (!allowDownload || fashion)
            {
                throw new UserException(
                    $"The data directory {directory} lacks {string.Join(", ", missing)} (each raw or .gz). " +
                    $"Put the four files there, or point --data (or {MnistDownloader.DataEnvironmentVariable}) at a directory that has them" +
                    (fashion ? " (Fashion-MNIST is not downloaded automatically; on Debian: apt-get install dataset-fashion-mnist)." : "."));
            }
            log.WriteLine($"MNIST files missing in {directory}; downloading them…");
            try
            {
                var downloader = new MnistDownloader { Log = log, RequestTimeout = RequestTimeout, TotalTimeout = DownloadDeadline, Mirrors = DownloadMirrors };
                downloader.DownloadMissingAsync(directory, cancellationToken).GetAwaiter().GetResult();
            }
            catch (DataDownloadException e)
            {
                throw new UserException(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserException($"Cannot download MNIST into {directory}: {e.Message} Put the four files there by hand, or use --data.");
            }
        }
        try
        {
            MnistDataset data = MnistDataset.Load(directory);
            if (data.Train.Features != 784 || data.Test.Features != 784 || data.ClassNames.Count != 10)
            {
                throw new UserException($"{directory} holds {data.Train.Rows}×{data.Train.Columns} images in {data.ClassNames.Count} classes; these networks take 28×28 images in 10 classes.");
            }
            return data;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UserException($"Cannot read the data in {directory}: {e.Message}");
        }
    }
}
