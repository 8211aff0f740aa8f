using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GenNet.Data;

/// <summary>
/// Fetches the four MNIST files that a data directory lacks, trying a list of mirrors in turn and keeping only
/// files whose SHA-256 matches the official checksum.
/// </summary>
/// <remarks>
/// <para>A standard file counts as present when either its raw or its <c>.gz</c> name exists
/// (<see cref="MnistDataset.FindMissingFiles"/>); present files are never checked or replaced. A missing file is
/// fetched as <c>&lt;mirror&gt;&lt;name&gt;.gz</c> into <c>&lt;name&gt;.gz.part-&lt;random&gt;</c> in the data
/// directory, hashed while it streams, and renamed to <c>&lt;name&gt;.gz</c> only once its hash matches. On any
/// failure (network error, HTTP status, timeout, size limit, checksum) the partial file is deleted and the next
/// mirror is tried. When every mirror fails for some file, a <see cref="DataDownloadException"/> lists the
/// files, what each mirror answered, and the directory to put them in by hand.</para>
/// <para>The timeout (<see cref="RequestTimeout"/>) covers one whole attempt, from request to last byte, and
/// <see cref="TotalTimeout"/> the whole call: once it passes, nothing more is tried. Mirrors,
/// checksums and the <see cref="HttpClient"/> are injectable so that tests can use a loopback server.</para>
/// </remarks>
public sealed class MnistDownloader
{
    /// <summary>Environment variable that, by convention of the GenNet tools, names the data directory.</summary>
    public const string DataEnvironmentVariable = "GENNET_DATA";

    /// <summary>Public mirrors of the original MNIST files, tried in order.</summary>
    public static IReadOnlyList<Uri> DefaultMirrors { get; } =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
    ];

    /// <summary>SHA-256 (lowercase hex) of the official gzipped MNIST files, keyed by file name.</summary>
    public static IReadOnlyDictionary<string, string> OfficialSha256 { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["train-images-idx3-ubyte.gz"] = "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ["train-labels-idx1-ubyte.gz"] = "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ["t10k-images-idx3-ubyte.gz"] = "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ["t10k-labels-idx1-ubyte.gz"] = "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    };

    private static readonly HttpClient s_sharedClient = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly HttpClient _http;

    /// <summary>Creates a downloader; without <paramref name="httpClient"/> a shared client is used.</summary>
    public MnistDownloader(HttpClient? httpClient = null)
    {
        _http = httpClient ?? s_sharedClient;
    }

    /// <summary>Mirror base URLs, tried in order; each should end with '/'. Default: <see cref="DefaultMirrors"/>.</summary>
    /// <exception cref="ArgumentNullException">The list, or one of its entries, is null.</exception>
    /// <exception cref="ArgumentException">An entry is not an absolute URI.</exception>
    public IReadOnlyList<Uri> Mirrors
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (Uri? mirror in value)
            {
                ArgumentNullException.ThrowIfNull(mirror, nameof(Mirrors));
                if (!mirror.IsAbsoluteUri)
                {
                    throw new ArgumentException($"Mirror '{mirror}' is not an absolute URI; expected e.g. https://host/mnist/.", nameof(Mirrors));
                }
            }
            field = value;
        }
    } = DefaultMirrors;

    /// <summary>Expected SHA-256 (hex, any case) per file name (with <c>.gz</c>). Default: <see cref="OfficialSha256"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public IReadOnlyDictionary<string, string> Checksums
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Checksums));
    } = OfficialSha256;

    /// <summary>Longest one attempt (request and whole body) may take. Default: 2 minutes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or longer than a timer can wait (about 24.8 days).</exception>
    public TimeSpan RequestTimeout
    {
        get;
        init
        {
            // CancellationTokenSource.CancelAfter takes at most int.MaxValue milliseconds.
            if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(RequestTimeout), value,
                    $"{nameof(RequestTimeout)} must be greater than zero and at most {TimeSpan.FromMilliseconds(int.MaxValue)}.");
            }
            field = value;
        }
    } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Longest the whole <see cref="DownloadMissingAsync"/> may take, every file and mirror together: when it passes,
    /// the attempt running is abandoned and the files not yet fetched are reported as missing. Default: 2 minutes.
    /// A mirror that accepts the connection and never answers therefore costs at most this, not
    /// files × mirrors × <see cref="RequestTimeout"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or longer than a timer can wait (about 24.8 days).</exception>
    public TimeSpan TotalTimeout
    {
        get;
        init
        {
            if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(TotalTimeout), value,
                    $"{nameof(TotalTimeout)} must be greater than zero and at most {TimeSpan.FromMilliseconds(int.MaxValue)}.");
            }
            field = value;
        }
    } = TimeSpan.FromMinutes(2);

    /// <summary>Largest body accepted for one file, so a misbehaving mirror cannot fill the disk. Default: 64 MiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public long MaxFileBytes
    {
        get;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), value, $"{nameof(MaxFileBytes)} must be at least 1.");
            }
            field = value;
        }
    } = 64L << 20;
    /// <summary>Where progress lines go ("downloading …", "failed: …"), or nowhere when null.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// Downloads every standard file missing from <paramref name="directory"/> (creating the directory if needed).
    /// </summary>
    /// <returns>The names of the files downloaded (empty when nothing was missing).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="DataDownloadException">Some files could not be fetched from any mirror.</exception>
    /// <exception cref="IOException">The directory could not be created (for example, a file has its name).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory may not be created or written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<string>> DownloadMissingAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullPath = Path.GetFullPath(directory);
        IReadOnlyList<string> missing = MnistDataset.FindMissingFiles(fullPath);
        if (missing.Count == 0)
        {
            return [];
        }
        Directory.CreateDirectory(fullPath);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TotalTimeout);
        var downloaded = new List<string>();
        var failures = new StringBuilder();
        var stillMissing = new List<string>();
        foreach (string baseName in missing)
        {
            string fileName = baseName + ".gz";
            string? error = deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? $" not tried: the download gave up after its total deadline of {TotalTimeout.TotalSeconds:0.#} s"
                : await DownloadAsync(fullPath, fileName, deadline.Token, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                downloaded.Add(fileName);
            }
            else
            {
                stillMissing.Add(fileName);
                failures.Append(CultureInfo.InvariantCulture, $"\n  {fileName}:{error}");
            }
        }

        if (stillMissing.Count > 0)
        {
            throw new DataDownloadException(
                $"Could not download {string.Join(", ", stillMissing)}.{failures}\n" +
                $"Put the files (gzipped or not) in {fullPath}, or point --data or the {DataEnvironmentVariable} " +
                "environment variable at a directory that has them.",
                fullPath, stillMissing);
        }
        return downloaded;
    }

    /// <summary>Tries each mirror for one file; returns null on success, or what every mirror answered.</summary>
    /// <param name="directory">Where the file goes.</param>
    /// <param name="fileName">The file's name.</param>
    /// <param name="deadline">Fires at the caller's cancellation or at the total deadline.</param>
    /// <param name="cancellationToken">The caller's token: its cancellation is rethrown, the deadline's is a failure.</param>
    private async Task<string?> DownloadAsync(string directory, string fileName, CancellationToken deadline, CancellationToken cancellationToken)
    {
        if (!Checksums.TryGetValue(fileName, out string? expected))
        {
            return " no checksum is known for this file, so it cannot be verified";
        }
        if (Mirrors.Count == 0)
        {
            return " no mirrors configured";
        }

        var errors = new StringBuilder();
        string target = Path.Combine(directory, fileName);
        foreach (Uri mirror in Mirrors)
        {
            var url = new Uri(mirror, fileName);
            string temp = $"{target}.part-{Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal)}";
            if (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                errors.Append(CultureInfo.InvariantCulture, $"\n    {url}: not tried: the total deadline of {TotalTimeout.TotalSeconds:0.#} s passed");
                continue;
            }
            Log?.WriteLine($"downloading {url}");
            try
            {
                string actual = await FetchAsync(url, temp, deadline).ConfigureAwait(false);
                if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"SHA-256 mismatch: expected {expected.ToLowerInvariant()}, got {actual}");
                }
                File.Move(temp, target, overwrite: true);
                Log?.WriteLine($"saved {target}");
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                TryDelete(temp);
                string reason = e is not OperationCanceledException ? e.Message
                    : deadline.IsCancellationRequested ? $"gave up at the total deadline of {TotalTimeout.TotalSeconds:0.#} s"
                    : $"timed out after {RequestTimeout.TotalSeconds:0.#} s";
                Log?.WriteLine($"failed: {url}: {reason}");
                errors.Append(CultureInfo.InvariantCulture, $"\n    {url}: {reason}");
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }
        return errors.ToString();
    }

    /// <summary>Streams <paramref name="url"/> into <paramref name="temp"/>; returns the body's SHA-256 in lowercase hex.</summary>
    private async Task<string> FetchAsync(Uri url, string temp, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        CancellationToken token = timeout.Token;

        using HttpResponseMessage response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
        if (response.Content.Headers.ContentLength > MaxFileBytes)
        {
            throw new InvalidDataException($"the body is {response.Content.Headers.ContentLength} bytes, over the {MaxFileBytes}-byte limit");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true))
        {
            await using Stream body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            byte[] buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxFileBytes)
                {
                    throw new InvalidDataException($"the body exceeds the {MaxFileBytes}-byte limit");
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
            }
            file.Flush(flushToDisk: true);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
