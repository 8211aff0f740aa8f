using System.Runtime.InteropServices;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Float buffers that sit flush against an inaccessible page (Linux <c>mmap</c> + <c>PROT_NONE</c>), so an unsafe read
/// or write one element past the end (or before the start) faults at once instead of silently touching a neighbour.
/// A fault kills the test host, which fails the run loudly. Elsewhere than Linux, <see cref="IsSupported"/> is false.
/// </summary>
internal static unsafe class GuardedMemory
{
    private const int PageBytes = 4096;
    private const int ProtNone = 0, ProtReadWrite = 3;
    private const int MapPrivateAnonymous = 0x02 | 0x20, MapNoReserve = 0x4000;

    private static readonly delegate* unmanaged<void*, nuint, int, int, int, nint, void*> s_mmap;
    private static readonly delegate* unmanaged<void*, nuint, int> s_munmap;
    private static readonly delegate* unmanaged<void*, nuint, int, int> s_mprotect;

    static GuardedMemory()
    {
        if (!OperatingSystem.IsLinux() || Environment.SystemPageSize != PageBytes || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc))
        {
            return;
        }
        s_mmap = (delegate* unmanaged<void*, nuint, int, int, int, nint, void*>)NativeLibrary.GetExport(libc, "mmap");
        s_munmap = (delegate* unmanaged<void*, nuint, int>)NativeLibrary.GetExport(libc, "munmap");
        s_mprotect = (delegate* unmanaged<void*, nuint, int, int>)NativeLibrary.GetExport(libc, "mprotect");
    }

    public static bool IsSupported => s_mmap != null;

    /// <summary>
    /// A buffer of <paramref name="floats"/> floats filled with <paramref name="fill"/>, with an inaccessible page right
    /// after its last element (<paramref name="guardAfter"/>) or right before its first.
    /// </summary>
    public static Buffer Allocate(long floats, bool guardAfter, float fill = 0.5f)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("Guarded memory needs Linux with 4 KiB pages.");
        }
        long dataBytes = floats * sizeof(float);
        long dataPages = (dataBytes + PageBytes - 1) / PageBytes;
        nuint total = (nuint)((dataPages + 2) * PageBytes);
        byte* block = (byte*)s_mmap(null, total, ProtReadWrite, MapPrivateAnonymous | MapNoReserve, -1, 0);
        if (block == (byte*)-1)
        {
            throw new OutOfMemoryException("mmap failed");
        }
        s_mprotect(block, PageBytes, ProtNone);
        s_mprotect(block + (dataPages + 1) * PageBytes, PageBytes, ProtNone);
        float* start = guardAfter
            ? (float*)(block + (dataPages + 1) * PageBytes - dataBytes)
            : (float*)(block + PageBytes);
        var buffer = new Buffer(block, total, start, floats);
        if (fill != 0f)
        {
            for (long i = 0; i < floats; i++)
            {
                start[i] = fill;
            }
        }
        return buffer;
    }

    public sealed class Buffer(byte* block, nuint total, float* start, long length) : IDisposable
    {
        public Span<float> Span => new(start, checked((int)length));
        public Span<int> Ints => new(start, checked((int)length));
        public void Dispose() => s_munmap(block, total);
    }
}
