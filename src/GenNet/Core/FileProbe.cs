using System.Runtime.InteropServices;
using System.Text;

namespace GenNet;

/// <summary>What a path names, after following symbolic links.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// Looks at what a path names before anything opens it: opening a FIFO blocks until a writer appears, and a device
/// such as <c>/dev/zero</c> never ends, so every file GenNet reads is checked to be a regular file first.
/// </summary>
/// <remarks>
/// .NET reports no file type beyond "directory", so on Linux this calls libc's <c>statx</c> (whose struct layout,
/// unlike <c>stat</c>'s, is the same on every architecture) through a function pointer, as
/// Serialization/DirectorySync.cs does. Where <c>statx</c> is missing (other systems), a path that is not a directory
/// counts as a regular file when it exists, and <see cref="Identity"/> is null (hard links are then not recognised).
/// The check and the open are two steps: a path replaced in between is not caught.
/// </remarks>
internal static unsafe class FileProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxIno = 0x100;
    private static readonly delegate* unmanaged<int, byte*, int, uint, byte*, int> s_statx;

    static FileProbe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        foreach (string name in (string[])["libc.so.6", "libc.so", "libc"])
        {
            if (NativeLibrary.TryLoad(name, out IntPtr libc) && NativeLibrary.TryGetExport(libc, "statx", out IntPtr statx))
            {
                s_statx = (delegate* unmanaged<int, byte*, int, uint, byte*, int>)statx;
                return;
            }
        }
    }

    /// <summary>What <paramref name="path"/> names, following links (a dangling link is <see cref="FileKind.Missing"/>).</summary>
    public static FileKind KindOf(string path) => Stat(path, out _);

    /// <summary>The device and inode of the file at <paramref name="path"/>, or null when it does not exist or they cannot be read.</summary>
    public static (ulong Device, ulong Inode)? Identity(string path) =>
        Stat(path, out (ulong, ulong)? identity) == FileKind.Missing ? null : identity;

    /// <summary>Throws unless <paramref name="path"/> names a regular file (links followed).</summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="InvalidDataException">A directory, FIFO, device or socket is there; the message starts with the full path.</exception>
    /// <param name="path">The path to look at.</param>
    /// <param name="what">Starts the not-found message, e.g. "Model file" gives "Model file not found: /full/path".</param>
    public static void RequireRegularFile(string path, string what)
    {
        FileKind kind = KindOf(path);
        if (kind == FileKind.Missing)
        {
            throw new FileNotFoundException($"{what} not found: {Path.GetFullPath(path)}", path);
        }
        if (kind != FileKind.Regular)
        {
            throw new InvalidDataException($"{Path.GetFullPath(path)}: {Describe(kind)}, not a regular file");
        }
    }

    /// <summary>"a directory", "a named pipe (FIFO)", …</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "nothing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "a socket",
    };

    private static FileKind Stat(string path, out (ulong Device, ulong Inode)? identity)
    {
        identity = null;
        if (s_statx == null)
        {
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        }
        byte[] name = new byte[Encoding.UTF8.GetByteCount(path) + 1]; // NUL-terminated
        Encoding.UTF8.GetBytes(path, name);
        byte* buffer = stackalloc byte[256]; // struct statx
        int result;
        fixed (byte* p = name)
        {
            result = s_statx(AtFdCwd, p, 0, StatxType | StatxIno, buffer);
        }
        if (result != 0)
        {
            return FileKind.Missing; // ENOENT, a dangling link, or a path we may not look into: opening it would fail too
        }
        ushort mode = *(ushort*)(buffer + 28); // stx_mode
        ulong inode = *(ulong*)(buffer + 32); // stx_ino
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140); // stx_dev_major, stx_dev_minor
        identity = (device, inode);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Socket,
        };
    }
}
