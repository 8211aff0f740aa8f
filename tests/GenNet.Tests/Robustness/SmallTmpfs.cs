using System.Diagnostics;
using GenNet.Tests.Data;

namespace GenNet.Tests.Robustness;

/// <summary>
/// A tmpfs of a given size mounted on a fresh directory (Linux, as root), unmounted on dispose: a real full disk,
/// or a read-only file system after <see cref="MakeReadOnly"/>.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    private readonly TempDirectory _directory = new();

    private SmallTmpfs(string size)
    {
        Path = _directory.Path;
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", Path);
        }
        catch
        {
            _directory.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static SmallTmpfs Create(string size) => new(size);

    /// <summary>Fills what is left with one file, so the next write of any size fails with ENOSPC.</summary>
    public void Fill()
    {
        using var filler = new FileStream(File("filler"), FileMode.CreateNew);
        byte[] block = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
        }
    }

    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Path);

    /// <summary>The entries of the mount, sorted (the filler excluded).</summary>
    public string[] Names() => _directory.Names().Where(n => n != "filler").ToArray();

    public void Dispose()
    {
        Run("umount", "-l", Path);
        _directory.Dispose();
    }

    /// <summary>Null when a tmpfs can be mounted here; otherwise why not (used as a skip reason).</summary>
    public static string? Unavailable { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs mounts need Linux";
        }
        try
        {
            using var probe = new SmallTmpfs("64k");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {e.Message}";
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)}: {error.Trim()}");
        }
    }
}

/// <summary>A fact skipped, with the reason, where a tmpfs cannot be mounted (not Linux, not root).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (SmallTmpfs.Unavailable is string reason)
        {
            Skip = reason;
        }
    }
}
