namespace GenNet.Tests;

/// <summary>Counts the bytes an action allocates on the calling thread once the runtime has settled.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="work"/> to warm it up, waits for tiered compilation's background promotion to finish
    /// (its call-counting delay is 100 ms), warms again, then returns what <paramref name="repeat"/> more runs allocate.
    /// Without the wait a tier-up landing inside the measured loop was seen to add a few hundred runtime bytes.
    /// </summary>
    public static long Measure(Action work, int repeat)
    {
        for (int i = 0; i < 50; i++) work();
        Thread.Sleep(300);
        for (int i = 0; i < 50; i++) work();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repeat; i++) work();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
