namespace GenNet.Serialization;

/// <summary>
/// Writes a file so that a crash at any moment leaves either the previous file or the complete new one: the bytes go
/// to <c>&lt;name&gt;.tmp-&lt;32 hex digits&gt;</c> beside the target, are flushed to disk, and the temporary file is
/// renamed over the target; then the directory is flushed (Linux, macOS) so the rename survives a power loss.
/// </summary>
/// <remarks>
/// A process killed before its rename leaves its temporary file behind; the next successful write to the same
/// target deletes such files once they are older than <see cref="StaleTemporaryFileAge"/> (younger ones may belong
/// to a writer that is still running).
/// </remarks>
public static class AtomicFile
{
    /// <summary>How old a leftover temporary file must be before a write deletes it.</summary>
    public static readonly TimeSpan StaleTemporaryFileAge = TimeSpan.FromMinutes(1);

    /// <summary>Replaces the file at <paramref name="path"/> with what <paramref name="write"/> writes.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a root directory.</exception>
    /// <exception cref="IOException">
    /// Writing or renaming failed (also when <paramref name="path"/> is an existing directory or its directory does not
    /// exist); the previous file, if any, is untouched and the temporary file is deleted.
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the target may not be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' is a root directory, not a file name.", nameof(path));
        string temp = Path.Combine(directory, $"{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        DirectorySync.TryFlush(directory);
        DeleteStaleTemporaryFiles(directory, Path.GetFileName(target));
    }

    /// <summary>Deletes this target's temporary files older than <see cref="StaleTemporaryFileAge"/>. Best effort.</summary>
    private static void DeleteStaleTemporaryFiles(string directory, string fileName)
    {
        string prefix = fileName + ".tmp-";
        DateTime cutoff = DateTime.UtcNow - StaleTemporaryFileAge;
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(directory, prefix + "*"))
            {
                string name = Path.GetFileName(candidate);
                if (name.Length == prefix.Length + 32
                    && name.StartsWith(prefix, StringComparison.Ordinal)
                    && !name.AsSpan(prefix.Length).ContainsAnyExcept("0123456789abcdef")
                    && File.GetLastWriteTimeUtc(candidate) < cutoff)
                {
                    TryDelete(candidate);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
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
