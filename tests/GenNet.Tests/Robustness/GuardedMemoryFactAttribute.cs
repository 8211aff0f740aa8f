namespace GenNet.Tests.Robustness;

/// <summary>A fact that is skipped, with a reason, where <see cref="GuardedMemory"/> cannot place buffers against inaccessible pages.</summary>
public sealed class GuardedMemoryFactAttribute : FactAttribute
{
    public GuardedMemoryFactAttribute()
    {
        if (!GuardedMemory.IsSupported)
        {
            Skip = "guarded memory needs Linux with 4 KiB pages and libc's mmap";
        }
    }
}
