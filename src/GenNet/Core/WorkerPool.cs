using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace GenNet;

/// <summary>
/// Long-lived worker threads that the dense kernels split one call over. With <c>threadCount</c> = n the calling
/// thread runs part 0 and n − 1 workers run parts 1…n − 1; with n = 1 everything runs inline on the caller.
/// </summary>
/// <remarks>
/// <para>
/// Kernels split only over independent outputs (rows or column blocks of the result), and every output element is
/// computed by the same instruction sequence whichever part it falls in, so results are bit-identical for any
/// thread count.
/// </para>
/// <para>
/// Dispatching allocates nothing: the job is a function pointer plus a pointer to a descriptor on the caller's
/// stack (valid because <see cref="Run"/> returns only after every part finished), each worker waits on its own
/// semaphore, and the caller spins briefly and then waits on a preallocated monitor. A pool runs one call at a time; calling it from two
/// threads at once throws <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
public sealed unsafe class WorkerPool : IDisposable
{
    /// <summary>How long an idle worker spins before it blocks: longer than the serial gaps inside a training step.</summary>
    private static readonly long SpinBeforeBlockTicks = TimeSpan.FromMicroseconds(500).Ticks;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    // Completion gate, allocated here: ManualResetEventSlim would lazily allocate its lock on its first blocking wait.
    private readonly object _gate = new();
    private delegate*<void*, int, int, void> _body;
    private void* _state;
    private int _parts;
    private int _pending;
    private int _busy;
    private volatile bool _disposed;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts <paramref name="threadCount"/> − 1 background worker threads.</summary>
    /// <param name="threadCount">Threads taking part in each call, the caller included; at least 1.</param>
    public WorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        _wake = new SemaphoreSlim[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"GenNet worker {i + 1}" };
            _threads[i].Start(i + 1);
        }
    }

    /// <summary>Threads taking part in each call, the caller included.</summary>
    public int ThreadCount { get; }

    internal bool IsDisposed => _disposed;

    /// <summary>
    /// Runs <c>body(state, p, parts)</c> for every p in [0, <paramref name="parts"/>) and returns when all are done.
    /// Part 0 runs on the caller; part p on worker p.
    /// </summary>
    internal void Run(delegate*<void*, int, int, void> body, void* state, int parts)
    {
        if (!TryRun(body, state, parts))
        {
            throw new InvalidOperationException("A WorkerPool runs one kernel call at a time; it was called concurrently.");
        }
    }

    /// <summary>
    /// <see cref="Run"/>, except that a pool busy with a call from another thread returns false before any part runs
    /// instead of throwing, so the caller can undo what it did before asking. An exception from a part is rethrown.
    /// </summary>
    internal bool TryRun(delegate*<void*, int, int, void> body, void* state, int parts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (parts > ThreadCount)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"A pool of {ThreadCount} threads runs at most {ThreadCount} parts.");
        }
        if (parts <= 1)
        {
            body(state, 0, 1);
            return true;
        }
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            return false;
        }
        try
        {
            _body = body;
            _state = state;
            _parts = parts;
            _pending = parts - 1;
            _error = null;
            // Release is a full fence: each worker sees the fields above once it wakes.
            for (int i = 0; i < parts - 1; i++)
            {
                _wake[i].Release();
            }
            try
            {
                body(state, 0, parts);
            }
            finally
            {
                // The state lives on our caller's stack: never return before every worker is done with it.
                WaitForWorkers();
            }
            _error?.Throw();
            return true;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Spins briefly (the parts are balanced, so workers usually finish with the caller), then blocks.</summary>
    private void WaitForWorkers()
    {
        SpinWait spin = default;
        for (int i = 0; i < 50 && Volatile.Read(ref _pending) != 0; i++)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }
        lock (_gate)
        {
            // The last worker pulses under the same lock, so the wake-up cannot fall between this check and Wait.
            while (Volatile.Read(ref _pending) != 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private void WorkerLoop(object? boxedIndex)
    {
        int index = (int)boxedIndex!;
        SemaphoreSlim wake = _wake[index - 1];
        while (true)
        {
            // Between two kernel calls of a training step the caller runs 0.1–0.3 ms of serial work (optimizer, small
            // layers). Blocking at once put the worker's core to sleep, and waking a halted vCPU cost tens of µs per
            // call; spin politely first (SpinWait yields the core to anyone else runnable), then block.
            long spinStart = Stopwatch.GetTimestamp();
            SpinWait spin = default;
            while (wake.CurrentCount == 0 && Stopwatch.GetElapsedTime(spinStart).Ticks < SpinBeforeBlockTicks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            wake.Wait();
            if (_disposed)
            {
                return;
            }
            try
            {
                _body(_state, index, _parts);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>Stops and joins the worker threads.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (SemaphoreSlim wake in _wake)
        {
            wake.Release();
        }
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
        foreach (SemaphoreSlim wake in _wake)
        {
            wake.Dispose();
        }
    }
}
