using System.Runtime.InteropServices;
using System.Text;

namespace GenNet.Serialization;

/// <summary>
/// Flushes a directory's entries to disk (POSIX <c>fsync</c> on the directory), so that a rename into it survives a
/// power failure and not only a process crash.
/// </summary>
/// <remarks>
/// <para>.NET cannot open a directory as a file (FileStream and File.OpenHandle refuse with
/// UnauthorizedAccessException), so this calls libc's <c>open</c>, <c>fsync</c> and <c>close</c> through function
/// pointers found with <see cref="NativeLibrary"/>: no marshalling, AOT-safe. It is best effort: on Windows (where
/// a directory cannot be flushed this way, and MoveFileEx is journalled by NTFS), or when libc cannot be found or a
/// call fails, it does nothing and returns false.</para>
/// <para>Why it matters: ModelFile.Save flushes the temporary file before the rename, so the data is on disk;
/// without this, after a power loss (not a crash: the kernel still has the rename) the directory may still show the
/// previous file. It never shows a partial one.</para>
/// </remarks>
internal static unsafe class DirectorySync
{
    private static readonly delegate* unmanaged<byte*, int, int> s_open;
    private static readonly delegate* unmanaged<int, int> s_fsync;
    private static readonly delegate* unmanaged<int, int> s_close;

    static DirectorySync()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string[] names = OperatingSystem.IsMacOS() ? ["/usr/lib/libSystem.dylib", "libc"] : ["libc.so.6", "libc.so", "libc"];
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr libc)
                && NativeLibrary.TryGetExport(libc, "open", out IntPtr open)
                && NativeLibrary.TryGetExport(libc, "fsync", out IntPtr fsync)
                && NativeLibrary.TryGetExport(libc, "close", out IntPtr close))
            {
                s_open = (delegate* unmanaged<byte*, int, int>)open;
                s_fsync = (delegate* unmanaged<int, int>)fsync;
                s_close = (delegate* unmanaged<int, int>)close;
                return;
            }
        }
    }

    /// <summary>Flushes <paramref name="directory"/>'s entries; false when that was not possible (never throws).</summary>
    public static bool TryFlush(string directory)
    {
        if (s_open == null)
        {
            return false;
        }
        byte[] path = new byte[Encoding.UTF8.GetByteCount(directory) + 1]; // NUL-terminated
        Encoding.UTF8.GetBytes(directory, path);
        int fd;
        fixed (byte* p = path)
        {
            fd = s_open(p, 0); // O_RDONLY: enough to fsync a directory on Linux and macOS
        }
        if (fd < 0)
        {
            return false;
        }
        bool flushed = s_fsync(fd) == 0;
        s_close(fd);
        return flushed;
    }
}
