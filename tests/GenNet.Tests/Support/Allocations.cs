using GenNet.Training;

namespace GenNet.Tests;

/// <summary>Counts the bytes an action allocates once the runtime has settled: on the calling thread, or on every
/// thread of a worker pool.</summary>
/// <remarks>
/// The runtime itself now and then allocates on a thread that runs our code: a tier-up or on-stack replacement landing
/// inside the measured loop, a thread's first blocking wait. CI saw 14,216 such bytes once in 2,000 pooled calls that
/// allocate nothing. Those are one-off events, so the count is the least of three rounds: an allocation the work makes
/// every call, or every few hundred calls, shows in all three. CI also saw a warm training loop's 48 steps report 1,200
/// bytes once; <see cref="LeastOfTrainerRuns"/> gives trainers the same three rounds.
/// </remarks>
internal static unsafe class Allocations
{
    private const int Rounds = 3;

    /// <summary>The least that <paramref name="repeat"/> runs of <paramref name="work"/> allocate on the calling
    /// thread, over three rounds after a warm-up.</summary>
    public static long Measure(Action work, int repeat) => LeastOfRounds(work, repeat, GC.GetAllocatedBytesForCurrentThread);

    /// <summary>As <see cref="Measure"/>, counting the caller and every worker of <paramref name="pool"/>.</summary>
    public static long MeasureEverywhere(WorkerPool pool, Action work, int repeat) =>
        LeastOfRounds(work, repeat, () => AllocatedOnEveryThread(pool));

    /// <summary>
    /// The least <see cref="Trainer.AllocatedBytes"/> of up to three further runs of
    /// <paramref name="epochsPerRun"/> epochs each, after waiting for tiered compilation's background promotions;
    /// the trainer has run its first epoch already. Every run must complete, and <paramref name="afterRun"/> sees
    /// each (with its allocated bytes) before the next starts.
    /// </summary>
    public static long LeastOfTrainerRuns(Trainer trainer, int epochsPerRun, Action<long>? afterRun = null)
    {
        Thread.Sleep(300);
        long least = long.MaxValue;
        for (int round = 0; round < Rounds && least != 0; round++)
        {
            int target = trainer.State.EpochsCompleted + epochsPerRun;
            TrainingResult result = trainer.Run(target);
            Assert.Equal(TrainingStatus.Completed, result.Status);
            afterRun?.Invoke(trainer.AllocatedBytes);
            least = Math.Min(least, trainer.AllocatedBytes);
        }
        return least;
    }

    /// <summary>
    /// Runs <paramref name="work"/> to warm it up, waits for tiered compilation's background promotion to finish
    /// (its call-counting delay is 100 ms), warms again, then returns the least any of three rounds of
    /// <paramref name="repeat"/> runs allocated.
    /// </summary>
    private static long LeastOfRounds(Action work, int repeat, Func<long> allocated)
    {
        for (int i = 0; i < 50; i++) work();
        Thread.Sleep(300);
        for (int i = 0; i < 50; i++) work();
        long least = long.MaxValue;
        for (int round = 0; round < Rounds && least != 0; round++)
        {
            long before = allocated();
            for (int i = 0; i < repeat; i++) work();
            least = Math.Min(least, allocated() - before);
        }
        return least;
    }

    /// <summary>Σ over the caller and every worker of <see cref="GC.GetAllocatedBytesForCurrentThread"/>: the pool
    /// runs one part on each thread, which reads that thread's own counter.</summary>
    private static long AllocatedOnEveryThread(WorkerPool pool)
    {
        long* counts = stackalloc long[pool.ThreadCount];
        pool.Run(&ReadAllocatedBytes, counts, pool.ThreadCount);
        long total = 0;
        for (int p = 0; p < pool.ThreadCount; p++)
        {
            total += counts[p];
        }
        return total;
    }

    private static void ReadAllocatedBytes(void* state, int part, int parts) => ((long*)state)[part] = GC.GetAllocatedBytesForCurrentThread();
}
